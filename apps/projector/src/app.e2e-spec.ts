import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from '@ledger/read-model';
import { loadConfig } from '@ledger/platform';
import { createTestDatabase, RunningHttpApp, startHttpApp, testKafkaBrokers, TestDatabase } from '@ledger/testing';
import { AppModule } from './app.module';
import { ProjectorConfig } from './projector.config';

function boot(database: TestDatabase, brokers: string): Promise<RunningHttpApp> {
  const config = loadConfig(ProjectorConfig, { DATABASE_URL: database.url, KAFKA_BROKERS: brokers, LOG_LEVEL: 'silent' });
  return startHttpApp(AppModule.register(config));
}

describe('projector health and metrics over HTTP', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(readModelMigrations, READ_MODEL_MIGRATIONS_TABLE);
  }, 30_000);

  afterAll(async () => {
    await database.drop();
  });

  it('given Postgres and Kafka up, then it is live, ready, and serves Prometheus metrics', async () => {
    const { close, url } = await boot(database, testKafkaBrokers().join(','));
    try {
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      const ready = await fetch(`${url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ details: { postgres: { status: 'up' }, kafka: { status: 'up' } } });
      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await metrics.text()).toMatch(/process_cpu_user_seconds_total\{service="projector"\}/);
    } finally {
      await close();
    }
  }, 30_000);

  it('given no broker at the configured address, then it is live but not ready, with a problem naming kafka', async () => {
    const { close, url } = await boot(database, '127.0.0.1:1');
    try {
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      const ready = await fetch(`${url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(ready.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(await ready.json())).toMatch(/kafka/);
    } finally {
      await close();
    }
  }, 30_000);
});
