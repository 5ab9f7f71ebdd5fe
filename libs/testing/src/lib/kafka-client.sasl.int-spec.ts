import { kafkaFromConfig } from '@ledger/messaging';
import { KafkaConfig, loadConfig } from '@ledger/platform';
import type { Kafka } from 'kafkajs';
import { createTopicAndWait, testKafkaSaslEnv, uniqueTopicName } from './test-kafka';

/** A client built as the relay and projector build theirs: from KafkaConfig variables. */
function clientOf(env: Record<string, string>): Kafka {
  return kafkaFromConfig('sasl-test', loadConfig(KafkaConfig, { ...env, LOG_LEVEL: 'silent' }));
}

function firstMessage(kafka: Kafka, topic: string): { received: Promise<string>; stop(): Promise<void> } {
  const consumer = kafka.consumer({ groupId: `${topic}-group` });
  const received = new Promise<string>((resolve, reject) => {
    consumer
      .connect()
      .then(() => consumer.subscribe({ topic, fromBeginning: true }))
      .then(() => consumer.run({ eachMessage: async ({ message }) => resolve(message.value?.toString('utf8') ?? '') }))
      .catch(reject);
  });
  return { received, stop: () => consumer.disconnect() };
}

describe('kafkaFromConfig against the SCRAM-SHA-512 listener', () => {
  it('given the right user and password, when it produces to a topic, then a consumer of that topic reads the message', async () => {
    const kafka = clientOf(testKafkaSaslEnv());
    const topic = uniqueTopicName('sasl');
    const admin = kafka.admin();
    await admin.connect();
    await createTopicAndWait(admin, topic, 1);
    const consumer = firstMessage(kafka, topic);
    const producer = kafka.producer();
    try {
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'k', value: 'over SCRAM' }] });
      expect(await consumer.received).toBe('over SCRAM');
    } finally {
      await producer.disconnect();
      await consumer.stop();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  }, 60_000);

  it('given a wrong password, then the broker refuses the connection', async () => {
    const admin = clientOf({ ...testKafkaSaslEnv(), KAFKA_SASL_PASSWORD: 'not-the-password' }).admin();
    try {
      await expect(admin.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed|Authentication failed/i);
    } finally {
      await admin.disconnect();
    }
  }, 60_000);
});
