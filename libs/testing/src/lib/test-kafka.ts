import { ensureTopic } from '@ledger/messaging';
import { Kafka, logLevel, type Admin, type IHeaders, type Message } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { suiteResource } from './suite-resource';

/** The brokers the tests talk to: `KAFKA_BROKERS` when set, else the local one `tools/infra` provides. */
export function testKafkaBrokers(): string[] {
  return (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
}

/**
 * The local broker's SASL_PLAINTEXT listener and its development SCRAM-SHA-512 user (tools/lib/kafka.mjs),
 * as the KafkaConfig variables an app would be given; `KAFKA_SASL_BROKERS` points elsewhere.
 */
export function testKafkaSaslEnv(): Record<string, string> {
  return {
    KAFKA_BROKERS: process.env['KAFKA_SASL_BROKERS'] ?? '127.0.0.1:9094',
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'ledger',
    KAFKA_SASL_PASSWORD: 'ledger-development-password',
  };
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

/**
 * A fresh topic for the enclosing describe: created (every partition led) before its tests, deleted
 * after them. Returns the admin client that made it, connected while the tests run.
 */
export function topicSuite(kafka: Kafka, topic: string, numPartitions: number): Admin {
  const admin = kafka.admin();
  suiteResource(
    `the topic ${topic}`,
    async () => {
      await admin.connect();
      await createTopicAndWait(admin, topic, numPartitions);
    },
    async () => {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    },
    30_000,
  );
  return admin;
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

/** A message as a producer sends it, as a consumer receives it at `offset` (the shape the projection reads). */
export function consumedAt(
  message: Message,
  offset: number,
): { readonly offset: string; readonly key: Buffer | null; readonly value: Buffer | null; readonly headers?: IHeaders } {
  return {
    offset: String(offset),
    key: message.key === undefined || message.key === null ? null : Buffer.from(message.key),
    value: message.value === null ? null : Buffer.from(message.value as Buffer),
    headers: message.headers,
  };
}
