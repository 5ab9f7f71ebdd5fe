import { randomBytes } from 'node:crypto';
import { COMMIT_ORIGIN, readCommittedBatch, type CommitPosition } from '@ledger/event-store';
import { decodeKafkaMessage } from '@ledger/messaging';
import { messageOf } from '@ledger/platform';
import type { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { RelayedOrderAudit, type RelayedOrderReport } from './relayed-order.audit';

const STORE_PAGE = 5_000;
const READ_TIMEOUT_MS = 180_000;

/** Reads the whole topic (with a group of its own) and the whole store, and audits one against the other. */
export async function checkRelayedOrder(options: {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly databaseUrl: string;
}): Promise<RelayedOrderReport> {
  const audit = new RelayedOrderAudit();
  await readTopic(options.kafka, options.topic, audit);
  await readStore(options.databaseUrl, audit);
  return audit.report();
}

async function readTopic(kafka: Kafka, topic: string, audit: RelayedOrderAudit): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const remaining = new Map(ends.filter((end) => Number(end.high) > Number(end.low)).map((end) => [end.partition, Number(end.high)]));
  if (remaining.size === 0) return;
  const consumer = kafka.consumer({ groupId: `chaos-audit-${randomBytes(6).toString('hex')}`, maxBytesPerPartition: 4 * 1024 * 1024 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the topic was not read to its end within ${READ_TIMEOUT_MS / 1000} s`)),
        READ_TIMEOUT_MS,
      );
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const end = remaining.get(batch.partition);
            for (const message of batch.messages) {
              if (end === undefined || Number(message.offset) >= end) break;
              try {
                const { envelope } = decodeKafkaMessage(message);
                audit.relayed({ streamId: envelope.streamId, version: envelope.version, eventId: envelope.eventId });
              } catch (error) {
                audit.unreadable(`partition ${batch.partition} offset ${message.offset}`, messageOf(error));
              }
              if (Number(message.offset) === end - 1) remaining.delete(batch.partition);
            }
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

async function readStore(databaseUrl: string, audit: RelayedOrderAudit): Promise<void> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'chaos-audit' });
  await client.connect();
  try {
    let after: CommitPosition = COMMIT_ORIGIN;
    for (;;) {
      const events = await readCommittedBatch(client, after, STORE_PAGE);
      for (const event of events) audit.stored({ streamId: event.streamId, version: event.version, eventId: event.eventId });
      const last = events[events.length - 1];
      if (last === undefined || events.length < STORE_PAGE) return;
      after = { transactionId: last.transactionId, globalPosition: last.globalPosition };
    }
  } finally {
    await client.end();
  }
}
