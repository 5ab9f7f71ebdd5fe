import { sleep } from '@ledger/platform';
import type { Admin } from 'kafkajs';

export const DEFAULT_TOPIC_PARTITIONS = 12;
export const DEFAULT_REPLICATION_FACTOR = 1;
export const DEFAULT_MIN_INSYNC_REPLICAS = 1;

export interface TopicSpec {
  readonly topic: string;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /**
   * The topic's `min.insync.replicas`: how many replicas must have a write before an acks=all producer
   * is answered. Set on the topic rather than left to the broker's default, so durability is what
   * the deployment says. At most `replicationFactor`.
   */
  readonly minInsyncReplicas?: number;
  /** How long to wait for every partition to have a leader. Default 30 s. */
  readonly readyTimeoutMs?: number;
}

export interface EnsuredTopic {
  readonly topic: string;
  readonly created: boolean;
  /** The partition count the topic actually has, which may differ from the request if it existed. */
  readonly partitions: number;
}

/**
 * Creates the topic when missing. An existing topic is left as it is (adding partitions would move
 * keys to other partitions and break per-account order), and its real partition count is returned so
 * the caller can warn about a mismatch.
 */
export async function ensureTopic(admin: Admin, spec: TopicSpec): Promise<EnsuredTopic> {
  const partitions = spec.partitions ?? DEFAULT_TOPIC_PARTITIONS;
  const replicationFactor = spec.replicationFactor ?? DEFAULT_REPLICATION_FACTOR;
  if (!Number.isSafeInteger(partitions) || partitions < 1) {
    throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  }
  if (!Number.isSafeInteger(replicationFactor) || replicationFactor < 1) {
    throw new RangeError(`replicationFactor must be a positive integer, got ${replicationFactor}`);
  }
  const minInsyncReplicas = spec.minInsyncReplicas ?? DEFAULT_MIN_INSYNC_REPLICAS;
  if (!Number.isSafeInteger(minInsyncReplicas) || minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
    throw new RangeError(
      `minInsyncReplicas must be an integer from 1 to replicationFactor (${replicationFactor}), got ${minInsyncReplicas}`,
    );
  }
  const existing = await admin.listTopics();
  let created = false;
  if (!existing.includes(spec.topic)) {
    // false when another process created it between the two calls: that is fine.
    // kafkajs' own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a Kafka 4 broker
    // answers for a moment after creation, hence the wait below.
    created = await admin.createTopics({
      waitForLeaders: false,
      topics: [
        {
          topic: spec.topic,
          numPartitions: partitions,
          replicationFactor,
          configEntries: [{ name: 'min.insync.replicas', value: String(minInsyncReplicas) }],
        },
      ],
    });
  }
  return { topic: spec.topic, created, partitions: await partitionsWithLeaders(admin, spec.topic, spec.readyTimeoutMs ?? 30_000) };
}

/** Waits until every partition of the topic has a leader; returns the partition count. */
async function partitionsWithLeaders(admin: Admin, topic: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const found = metadata.topics.find((t) => t.name === topic);
      if (found !== undefined && found.partitions.length > 0 && found.partitions.every((p) => p.leader >= 0)) {
        return found.partitions.length;
      }
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topic ${topic}: partitions still without a leader after ${timeoutMs} ms`);
    await sleep(100);
  }
}
