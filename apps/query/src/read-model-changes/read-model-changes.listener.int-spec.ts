import { loadConfig, MetricsRegistry, sleep } from '@ledger/platform';
import { testServerUrl } from '@ledger/testing';
import { QueryConfig } from '../query.config';
import { QueryMetrics } from '../query.metrics';
import { ReadModelChangesListener } from './read-model-changes.listener';

describe('ReadModelChangesListener against PostgreSQL', () => {
  it('given shutdown while its session is still connecting, then it stops once connected instead of listening on', async () => {
    const config = loadConfig(QueryConfig, { DATABASE_URL: testServerUrl(), LOG_LEVEL: 'silent', OIDC_ISSUER: 'http://127.0.0.1:3005' });
    const listener = new ReadModelChangesListener(config, new QueryMetrics(new MetricsRegistry('query')));
    const giveUp = new AbortController();

    const starting = listener.onModuleInit();
    const outcome = await Promise.race([
      listener.onApplicationShutdown().then(() => 'stopped'),
      sleep(10_000, giveUp.signal).then(() => 'still listening'),
    ]);
    giveUp.abort();
    await starting;

    expect(outcome).toBe('stopped');
  });
});
