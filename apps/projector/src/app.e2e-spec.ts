import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from '@ledger/read-model';
import { loadConfig } from '@ledger/platform';
import { databaseSuite, RunningHttpApp, startHttpApp, testKafkaBrokers, uniqueTopicName } from '@ledger/testing';
import { createKafka } from '@ledger/messaging';
import { AppModule } from './app.module';
import { ProjectorConfig } from './projector.config';

const dlqTopics: string[] = [];

/** A topic, dead-letter topic and group of its own: never the shared account-events. */
function boot(database: { readonly url: string }, brokers: string): Promise<RunningHttpApp> {
  const topic = uniqueTopicName('projector-e2e');
  dlqTopics.push(`${topic}.dlq`);
  const config = loadConfig(ProjectorConfig, {
    DATABASE_URL: database.url,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC: topic,
    KAFKA_DLQ_TOPIC: `${topic}.dlq`,
    PROJECTOR_GROUP_ID: topic,
    LOG_LEVEL: 'silent',
  });
  return startHttpApp(AppModule.register(config));
}

describe('projector health and metrics over HTTP', () => {
  const database = databaseSuite({ migrations: readModelMigrations, migrationsTable: READ_MODEL_MIGRATIONS_TABLE, poolSize: 1 });

  afterAll(async () => {
    await deleteTopicsQuietly(dlqTopics);
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
      const text = await metrics.text();
      expect(text).toMatch(/process_cpu_user_seconds_total\{service="projector"\}/);
      expect(text).toMatch(/^ledger_projector_events_projected_total\{service="projector"\} 0$/m);
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

/** The app creates its dead-letter topic at start; a failed cleanup only leaves an empty topic behind. */
async function deleteTopicsQuietly(topics: readonly string[]): Promise<void> {
  const admin = createKafka('projector-e2e', testKafkaBrokers()).admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const ours = topics.filter((t) => existing.has(t));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  } catch {
    // the broker may be restarting
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
