import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from '@ledger/event-store';
import { loadConfig } from '@ledger/platform';
import { createTestDatabase, RunningHttpApp, startHttpApp, testKafkaBrokers, TestDatabase, uniqueTopicName } from '@ledger/testing';
import { AppModule } from './app.module';
import { RelayConfig } from './relay.config';

describe('relay health and metrics over HTTP', () => {
  let database: TestDatabase;
  let relay: RunningHttpApp;

  beforeAll(async () => {
    database = await createTestDatabase(eventStoreMigrations, EVENT_STORE_MIGRATIONS_TABLE);
    const config = loadConfig(RelayConfig, {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_TOPIC: uniqueTopicName('relay-e2e'),
      KAFKA_TOPIC_PARTITIONS: '2',
      LOG_LEVEL: 'silent',
    });
    relay = await startHttpApp(AppModule.register(config));
  }, 60_000);

  afterAll(async () => {
    await relay.close();
    await database.drop();
  });

  it('is live and, with Postgres and Kafka answering, ready', async () => {
    expect((await fetch(`${relay.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${relay.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ details: { postgres: { status: 'up' }, kafka: { status: 'up' } } });
  });

  it('exposes the relay metrics in Prometheus text format on the management port, not on the public one', async () => {
    expect((await fetch(`${relay.url}/metrics`)).status).toBe(404);
    const response = await fetch(`${relay.managementUrl}/metrics`);
    const text = await response.text();
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text).toMatch(/^ledger_relay_\w+/m);
    expect(text).toMatch(/service="relay"/);
  });

  it('answers an unknown route with a problem, not HTML', async () => {
    const response = await fetch(`${relay.url}/nothing-here`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
