import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from '@ledger/event-store';
import { createTestDatabase, suiteResource, testKafkaBrokers, uniqueTopicName, type TestDatabase } from '@ledger/testing';
import { createKafka } from '@ledger/messaging';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { startRelay, type InProcessRelay } from './relay-harness';

export interface RelayTestEnv {
  readonly db: TestDatabase;
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly brokers: readonly string[];
  dispose(topics: readonly string[]): Promise<void>;
}

/** A fresh migrated event store and a Kafka client for one suite; `dispose` removes both. */
export async function relayTestEnv(): Promise<RelayTestEnv> {
  const db = await createTestDatabase([...eventStoreMigrations], EVENT_STORE_MIGRATIONS_TABLE);
  const pool = new Pool({ connectionString: db.url, max: 24 });
  // An idle client whose backend goes away must not crash the suite; the next query reconnects.
  pool.on('error', () => undefined);
  const brokers = testKafkaBrokers();
  const kafka = createKafka('relay-test-reader', brokers);
  return {
    db,
    pool,
    kafka,
    brokers,
    dispose: async (topics) => {
      await pool.end();
      await db.drop();
      if (topics.length > 0) await deleteTopics(kafka, topics);
    },
  };
}

/** Best effort: a topic left behind costs a little disk, a failed cleanup must not fail the suite. */
async function deleteTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = await admin.listTopics();
    const ours = topics.filter((t) => existing.includes(t));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  } catch {
    // the broker may be restarting; nothing to undo
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export interface RelaySuite {
  readonly env: () => RelayTestEnv;
  readonly topic: string;
  /** Stopped (in reverse order) after the suite, with the environment. */
  stopAfterwards(stoppable: { stop(): Promise<void> }): void;
  /** A relay in this process on the suite's database and topic, with these settings; stopped after the suite. */
  startRelay(partitions: number, env: Record<string, string>): InProcessRelay;
}

/** For the enclosing describe: a test environment and a topic; what is registered is stopped, newest first, before both go. */
export function relaySuite(topicPrefix: string): RelaySuite {
  const topic = uniqueTopicName(topicPrefix);
  const stoppables: Array<{ stop(): Promise<void> }> = [];
  const env = suiteResource('the relay test environment', relayTestEnv, async (started) => {
    for (const stoppable of stoppables.splice(0).reverse()) await stoppable.stop();
    await started.dispose([topic]);
  });
  const stopAfterwards = (stoppable: { stop(): Promise<void> }) => void stoppables.push(stoppable);
  return {
    env,
    topic,
    stopAfterwards,
    startRelay(partitions, settings) {
      const started = env();
      const relay = startRelay({ databaseUrl: started.db.url, brokers: started.brokers, topic, partitions, env: settings });
      stopAfterwards(relay);
      return relay;
    },
  };
}
