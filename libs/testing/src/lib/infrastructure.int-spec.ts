import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { suiteObject } from './suite-resource';
import { createTestDatabase } from './test-database';
import { testKafkaBrokers, topicSuite, uniqueTopicName } from './test-kafka';

/** Proves the parts are real: the tests below talk to a live PostgreSQL and a live Kafka broker. */
describe('local infrastructure', () => {
  describe('PostgreSQL', () => {
    const database = suiteObject(
      'a fresh database',
      () => createTestDatabase(),
      (created) => created.drop(),
      30_000,
    );

    it('writes a row and reads it back in a fresh database', async () => {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query('CREATE TABLE smoke (id bigint PRIMARY KEY, note text NOT NULL)');
        await client.query('INSERT INTO smoke (id, note) VALUES ($1, $2)', ['9007199254740993', 'written']);
        const { rows } = await client.query('SELECT id, note FROM smoke');
        // bigint beyond 2^53 survives as a string: money columns rely on this.
        expect(rows).toEqual([{ id: '9007199254740993', note: 'written' }]);
      } finally {
        await client.end();
      }
    });
  });

  describe('Kafka', () => {
    const kafka = new Kafka({ clientId: 'smoke', brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING });
    const topic = uniqueTopicName('smoke');
    topicSuite(kafka, topic, 3);

    it('produces a keyed message with headers and consumes it back', async () => {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      const consumer = kafka.consumer({ groupId: uniqueTopicName('smoke-group') });
      await producer.connect();
      await consumer.connect();
      try {
        await producer.send({
          topic,
          acks: -1,
          messages: [{ key: 'account-1', value: JSON.stringify({ hello: 'kafka' }), headers: { 'event-type': 'Smoke' } }],
        });
        await consumer.subscribe({ topic, fromBeginning: true });
        const received = await new Promise<{ key: string; value: string; header: string }>((resolve) => {
          void consumer.run({
            eachMessage: async ({ message }) =>
              resolve({
                key: String(message.key),
                value: String(message.value),
                header: String(message.headers?.['event-type']),
              }),
          });
        });
        expect(received).toEqual({ key: 'account-1', value: '{"hello":"kafka"}', header: 'Smoke' });
      } finally {
        await consumer.disconnect();
        await producer.disconnect();
      }
    }, 60_000);
  });
});
