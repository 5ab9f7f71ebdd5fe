import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from '@ledger/read-model-schema';
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
    const { close, url, managementUrl } = await boot(database, testKafkaBrokers().join(','));
    try {
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      const ready = await fetch(`${url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ details: { postgres: { status: 'up' }, kafka: { status: 'up' } } });
      expect((await fetch(`${url}/metrics`)).status).toBe(404);
      const metrics = await fetch(`${managementUrl}/metrics`);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await metrics.text();
      expect(text).toMatch(/process_cpu_user_seconds_total\{service="projector"\}/);
      expect(text).toMatch(/^ledger_projector_events_projected_total\{service="projector"\} 0$/m);
    } finally {
      await close();
    }
  }, 30_000);

  it('given no broker at the configured address, then it is live but not ready, naming kafka but not its error', async () => {
    const { close, url, managementUrl } = await boot(database, '127.0.0.1:1');
    try {
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      const ready = await fetch(`${url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(ready.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const publicBody = await ready.text();
      expect(JSON.parse(publicBody)).toMatchObject({ status: 503, details: { kafka: { status: 'down' } } });
      const detailed = await fetch(`${managementUrl}/health/ready`);
      expect(detailed.status).toBe(503);
      const { dependencies } = (await detailed.json()) as { dependencies: Record<string, { status: string; message?: string }> };
      expect(dependencies['kafka']).toMatchObject({ status: 'down', message: expect.any(String) });
      expect(publicBody).not.toContain(dependencies['kafka']?.message);
      expect(publicBody).not.toMatch(/message|127\.0\.0\.1/);
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
