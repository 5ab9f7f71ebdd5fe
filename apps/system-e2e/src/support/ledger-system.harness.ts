import { assertPipelineBuilt, createTestDatabase, mintToken, startPipeline, testKafkaBrokers, type Pipeline } from '@ledger/testing';
import { join, resolve } from 'node:path';
import { LedgerHttpClient } from './ledger-http.client';

/** Each app's output of the latest run, for whoever has to find out why a case failed. */
export const SYSTEM_LOG_DIR = join(resolve(__dirname, '../../../..'), 'tmp', 'system-e2e');

/** Whom the suite's requests come from: a customer, and an operator (freezes, any account, listings by owner). */
const CUSTOMER = 'system-e2e-customer';
const OPERATOR = 'system-e2e-operator';

export interface LedgerSystem {
  /** As a customer: `ledger:read ledger:write`, its own accounts only, rate limited as customers are. */
  readonly client: LedgerHttpClient;
  /** As an operator: every ledger scope. */
  readonly operator: LedgerHttpClient;
  readonly pipeline: Pipeline;
  /** The run's database (event store and read model), for the `ledger` ops CLI. */
  readonly databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * The whole system as `npm start` runs it: the four built apps as processes (migrations first, the
 * default log level, each app as its own database role, command and query trusting the stack's
 * issuer), on a fresh database and a topic and consumer group of their own; tokens from that issuer.
 */
export async function startLedgerSystem(): Promise<LedgerSystem> {
  assertPipelineBuilt();
  const [customerToken, operatorToken] = await Promise.all([
    mintToken({ sub: CUSTOMER, scope: 'ledger:read ledger:write' }),
    mintToken({ sub: OPERATOR, scope: 'ledger:read ledger:write ledger:operate' }),
  ]);
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
  const client = new LedgerHttpClient(pipeline.command.baseUrl, pipeline.query.baseUrl, customerToken);
  return {
    client,
    operator: client.as(operatorToken),
    pipeline,
    databaseUrl: database.url,
    stop: async () => {
      await pipeline.stop();
      await database.drop();
    },
  };
}
