import type { ProjectionInput } from '@ledger/read-model-projection';
import type { AccountMoved } from '@ledger/read-model-schema';

/**
 * Seconds from an event occurring to the commit that put it in the read model, for the newest event
 * each account reached in a batch: exactly the events known to be applied by this commit (older
 * events of the batch may have been duplicates). Clock skew never makes it negative.
 */
export function projectionLagsSeconds(inputs: readonly ProjectionInput[], moved: readonly AccountMoved[], committedAtMs: number): number[] {
  if (moved.length === 0) return [];
  const reached = new Map(moved.map((m) => [m.accountId, m.version]));
  const lags: number[] = [];
  for (const input of inputs) {
    if (input.kind !== 'event' || reached.get(input.accountId) !== input.event.version) continue;
    lags.push(Math.max(0, (committedAtMs - input.event.occurredAt.getTime()) / 1000));
    reached.delete(input.accountId);
  }
  return lags;
}
