import { loadConfig, MetricsRegistry } from '@ledger/platform';
import { testServerUrl } from '@ledger/testing';
import { QueryConfig } from '../query.config';
import { QueryMetrics } from '../query.metrics';
import { ReadModelChangesListener } from './read-model-changes.listener';

describe('ReadModelChangesListener against PostgreSQL', () => {
  it('given shutdown while its session is still connecting, then it stops once connected instead of listening on', async () => {
    const config = loadConfig(QueryConfig, { DATABASE_URL: testServerUrl(), LOG_LEVEL: 'silent', OIDC_ISSUER: 'http://127.0.0.1:3005' });
    const listener = new ReadModelChangesListener(config, new QueryMetrics(new MetricsRegistry('query')));

    const starting = listener.onModuleInit();
    // A listener that listened on would never settle its shutdown: the test then fails by its timeout.
    await expect(listener.onApplicationShutdown()).resolves.toBeUndefined();
    await starting;
  });
});
