// The four-app pipeline lives in @ledger/testing, shared with the system suite (apps/system-e2e);
// benchmarks name their topics and groups `bench-...`.
import { startPipeline as start, type Pipeline, type PipelineOptions } from '@ledger/testing';

export { buildPipelineApps as buildApps, type Pipeline } from '@ledger/testing';

export function startPipeline(options: Omit<PipelineOptions, 'namePrefix'>): Promise<Pipeline> {
  return start({ namePrefix: 'bench', ...options });
}
