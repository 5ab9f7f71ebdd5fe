import { accountPartitioner, createKafka } from '@ledger/messaging';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from '@ledger/read-model-schema';
import {
  createTestDatabase,
  createTopicAndWait,
  eventually,
  testKafkaBrokers,
  testPool,
  uniqueTopicName,
  type TestDatabase,
} from '@ledger/testing';
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { consumerLag } from '../projection/consumer-lag';
import { sleep } from '@ledger/platform';

/** A fresh migrated read model, a Kafka client and producer for one suite; `dispose` removes what it made. */
export interface ProjectorTestEnv {
  readonly db: TestDatabase;
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly brokers: readonly string[];
  /** A topic no other suite uses, deleted at dispose. */
  createTopic(prefix: string, partitions: number): Promise<string>;
  /** Produces in order, acknowledged by the broker; to one partition when given, else by key (murmur2). */
  produce(topic: string, messages: readonly Message[], partition?: number): Promise<void>;
  /** The group's committed next offset per partition (-1 when none). */
  committedOffsets(groupId: string, topic: string): Promise<Map<number, string>>;
  /** The high watermark per partition. */
  endOffsets(topic: string): Promise<Map<number, string>>;
  dispose(): Promise<void>;
}

export async function projectorTestEnv(): Promise<ProjectorTestEnv> {
  const db = await createTestDatabase(readModelMigrations, READ_MODEL_MIGRATIONS_TABLE);
  const pool = testPool(db.url, 4);
  const brokers = testKafkaBrokers();
  const kafka = createKafka('projector-test', brokers);
  const admin = kafka.admin();
  await admin.connect();
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: accountPartitioner,
  });
  await producer.connect();
  const topics: string[] = [];
  return {
    db,
    pool,
    kafka,
    admin,
    brokers,
    createTopic: async (prefix, partitions) => {
      const topic = uniqueTopicName(prefix);
      topics.push(topic, `${topic}.dlq`);
      await createTopicAndWait(admin, topic, partitions);
      return topic;
    },
    produce: async (topic, messages, partition) => {
      for (let start = 0; start < messages.length; start += 500) {
        const slice = messages.slice(start, start + 500).map((m) => (partition === undefined ? m : { ...m, partition }));
        await producer.send({ topic, acks: -1, messages: slice });
      }
    },
    committedOffsets: async (groupId, topic) => {
      const [offsets] = await whenCoordinatorAnswers(() => admin.fetchOffsets({ groupId, topics: [topic] }));
      return new Map((offsets?.partitions ?? []).map((p) => [p.partition, p.offset]));
    },
    endOffsets: async (topic) => new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high])),
    dispose: async () => {
      await producer.disconnect().catch(() => undefined);
      await deleteTopics(admin, topics);
      await admin.disconnect().catch(() => undefined);
      await pool.end();
      await db.drop();
    },
  };
}

/** Best effort: a topic left behind costs a little disk, a failed cleanup must not fail the suite. */
async function deleteTopics(admin: Admin, topics: readonly string[]): Promise<void> {
  try {
    const existing = new Set(await admin.listTopics());
    const ours = topics.filter((t) => existing.has(t));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  } catch {
    // the broker may be restarting; nothing to undo
  }
}

/**
 * A group's coordinator may move or still be loading just after the group was created or a broker
 * restarted (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS): kafkajs marks those retriable.
 */
async function whenCoordinatorAnswers<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      const retriable = typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
      if (!retriable || attempt >= 20) throw error;
      await sleep(100 * attempt);
    }
  }
}

/** The one item of a list, or a clear failure. */
export function single<T>(items: readonly T[]): T {
  const [item] = items;
  if (items.length !== 1 || item === undefined) throw new Error(`expected exactly one item, got ${items.length}`);
  return item;
}

/** Resolves once the group committed every partition up to its end: all it consumed so far is projected. */
export async function waitForGroupAtEnd(env: ProjectorTestEnv, groupId: string, topic: string, timeoutMs: number): Promise<void> {
  const behind = async () => {
    const [watermarks, committed] = await Promise.all([env.admin.fetchTopicOffsets(topic), env.committedOffsets(groupId, topic)]);
    return watermarks
      .map(({ partition, high, low }) => ({
        partition,
        high,
        committed: committed.get(partition),
        lag: consumerLag(high, committed.get(partition) ?? null, low),
      }))
      .filter((p) => p.lag > 0);
  };
  await eventually(async () => (await behind()).length === 0, timeoutMs, `group ${groupId} to commit the end of ${topic}`, behind);
}
