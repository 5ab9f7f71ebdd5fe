import type { Admin } from 'kafkajs';
import { randomBytes } from 'node:crypto';

/** The brokers the tests talk to: `KAFKA_BROKERS` when set, else the local one `tools/infra` provides. */
export function testKafkaBrokers(): string[] {
  return (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
}

/** A topic name no other suite uses, so suites never read each other's messages. */
export function uniqueTopicName(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/**
 * Creates a topic and waits until every partition has a leader. kafkajs's own `waitForLeaders`
 * gives up on the transient "does not host this topic-partition" a KRaft broker answers while the
 * new topic's metadata propagates, so this polls instead.
 */
export async function createTopicAndWait(admin: Admin, topic: string, numPartitions: number, timeoutMs = 15_000): Promise<void> {
  await admin.createTopics({ waitForLeaders: false, topics: [{ topic, numPartitions, replicationFactor: 1 }] });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = topics[0]?.partitions ?? [];
      if (partitions.length === numPartitions && partitions.every((p) => p.leader >= 0)) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topic ${topic} has no leaders after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
