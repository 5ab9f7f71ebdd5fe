import { Kafka, logLevel } from 'kafkajs';
import { KafkaAdminSession } from '@ledger/messaging';
import { testKafkaBrokers, unreachableKafka } from './test-kafka';

describe('KafkaAdminSession against the real broker', () => {
  const kafka = new Kafka({ clientId: 'admin-session', brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING });

  it('given concurrent first uses, when they race, then they share one connection', async () => {
    const session = new KafkaAdminSession(kafka);
    const [a, b, c] = await Promise.all([session.get(), session.get(), session.probe().then(() => session.get())]);
    expect(a).toBe(b);
    expect(b).toBe(c);
    await session.close();
  });

  it('given a closed session, when used again, then it reconnects', async () => {
    const session = new KafkaAdminSession(kafka);
    const first = await session.get();
    await session.close();
    const second = await session.get();
    expect(second).not.toBe(first);
    await session.probe();
    await session.close();
  });

  it('given no broker, when probed, then it fails and the next use tries again', async () => {
    const session = new KafkaAdminSession(unreachableKafka());
    await expect(session.probe()).rejects.toThrow();
    await expect(session.probe()).rejects.toThrow();
    await session.close();
  });
});
