import { Kafka, logLevel } from 'kafkajs';
import { KafkaProducerSession } from '@ledger/messaging';
import { testKafkaBrokers, topicSuite, uniqueTopicName, unreachableKafka } from './test-kafka';

describe('KafkaProducerSession against the real broker', () => {
  const kafka = new Kafka({ clientId: 'producer-session', brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING });
  const topic = uniqueTopicName('producer-session');
  const admin = topicSuite(kafka, topic, 1);

  const highWatermark = async () => (await admin.fetchTopicOffsets(topic))[0]?.high;

  it('given repeated use, then one connected producer serves every send', async () => {
    const session = new KafkaProducerSession(kafka);
    const before = Number(await highWatermark());

    const first = await session.get();
    await first.send({ topic, acks: -1, messages: [{ key: 'a', value: '1' }] });
    const again = await session.get();
    await again.send({ topic, acks: -1, messages: [{ key: 'a', value: '2' }] });

    expect(again).toBe(first);
    expect(Number(await highWatermark())).toBe(before + 2);
    await session.reset();
  }, 30_000);

  it('given a reset, then the next use connects a fresh producer that sends', async () => {
    const session = new KafkaProducerSession(kafka, { retries: 2 });
    const first = await session.get();
    await session.reset();
    const before = Number(await highWatermark());

    const second = await session.get();
    await second.send({ topic, acks: -1, messages: [{ key: 'b', value: '1' }] });

    expect(second).not.toBe(first);
    expect(Number(await highWatermark())).toBe(before + 1);
    await session.reset();
    await session.reset();
  }, 30_000);

  it('given no broker, then each use fails and the next one tries again', async () => {
    const session = new KafkaProducerSession(unreachableKafka());
    await expect(session.get()).rejects.toThrow();
    await expect(session.get()).rejects.toThrow();
    await session.reset();
  }, 30_000);
});
