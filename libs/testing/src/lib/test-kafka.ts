import { ensureTopic } from '@ledger/messaging';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { randomBytes } from 'node:crypto';

/** The brokers the tests talk to: `KAFKA_BROKERS` when set, else the local one `tools/infra` provides. */
export function testKafkaBrokers(): string[] {
  return (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
}

/** A topic name no other suite uses, so suites never read each other's messages. */
export function uniqueTopicName(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** Creates a topic of `numPartitions` and waits until every partition has a leader, as the apps' ensureTopic does. */
export async function createTopicAndWait(admin: Admin, topic: string, numPartitions: number, timeoutMs = 15_000): Promise<void> {
  const ensured = await ensureTopic(admin, { topic, partitions: numPartitions, readyTimeoutMs: timeoutMs });
  if (ensured.partitions !== numPartitions) throw new Error(`topic ${topic} has ${ensured.partitions} partitions, not ${numPartitions}`);
}

/** A client of a broker that is not there, giving up at once: for what must happen while Kafka is down. */
export function unreachableKafka(): Kafka {
  return new Kafka({
    clientId: 'nowhere',
    brokers: ['127.0.0.1:1'],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 500,
  });
}
