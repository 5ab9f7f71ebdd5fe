import { loadConfig } from '@ledger/platform';
import { createTestDatabase, RunningHttpApp, startHttpApp, TestDatabase, testIssuerUrl } from '@ledger/testing';
import { AppModule } from './app.module';
import { QueryConfig } from './query.config';

describe('query health and metrics over HTTP', () => {
  let database: TestDatabase;
  let query: RunningHttpApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    query = await startHttpApp(
      AppModule.register(loadConfig(QueryConfig, { DATABASE_URL: database.url, LOG_LEVEL: 'silent', OIDC_ISSUER: testIssuerUrl() })),
    );
  }, 30_000);

  afterAll(async () => {
    await query.close();
    await database.drop();
  });

  it('is live and ready with Postgres answering, and echoes the correlation id', async () => {
    const live = await fetch(`${query.url}/health/live`, { headers: { 'X-Correlation-Id': 'q-1' } });
    expect(live.status).toBe(200);
    expect(live.headers.get('x-correlation-id')).toBe('q-1');
    const ready = await fetch(`${query.url}/health/ready`);
    expect(await ready.json()).toMatchObject({ status: 'ok', details: { postgres: { status: 'up' } } });
  });

  it('serves Prometheus metrics on the management port, request latency included', async () => {
    await fetch(`${query.url}/health/live`);
    const text = await (await fetch(`${query.managementUrl}/metrics`)).text();
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/health\/live"[^}]*\} \d+/);
  });

  it('answers /metrics on the public port as any unknown route: 404 not-found', async () => {
    const response = await fetch(`${query.url}/metrics`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ type: 'https://ledger.example.com/problems/not-found', status: 404 });
    expect(body).not.toMatch(/process_cpu/);
  });

  it('serves nothing of the API on the management port', async () => {
    const response = await fetch(`${query.managementUrl}/accounts`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
