import { assertPipelineBuilt, createTestDatabase, startPipeline, testKafkaBrokers, type Pipeline } from '@ledger/testing';
import { join, resolve } from 'node:path';
import { LedgerHttpClient } from './ledger-http.client';

/** Each app's output of the latest run, for whoever has to find out why a case failed. */
export const SYSTEM_LOG_DIR = join(resolve(__dirname, '../../../..'), 'tmp', 'system-e2e');

export interface LedgerSystem {
  readonly client: LedgerHttpClient;
  readonly pipeline: Pipeline;
  stop(): Promise<void>;
}

/**
 * The whole system as `npm start` runs it: the four built apps as processes (migrations first, the
 * default log level), on a fresh database and a topic and consumer group of their own.
 */
export async function startLedgerSystem(): Promise<LedgerSystem> {
  assertPipelineBuilt();
  const database = await createTestDatabase();
  let pipeline: Pipeline;
  try {
    pipeline = await startPipeline({
      databaseUrl: database.url,
      brokers: testKafkaBrokers().join(','),
      namePrefix: 'system-e2e',
      env: { LOG_LEVEL: 'info' },
      logDir: SYSTEM_LOG_DIR,
      readyTimeoutMs: 90_000,
    });
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    client: new LedgerHttpClient(pipeline.command.baseUrl, pipeline.query.baseUrl),
    pipeline,
    stop: async () => {
      await pipeline.stop();
      await database.drop();
    },
  };
}
