import { decodeKafkaMessage } from '@ledger/messaging';
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { ReceivedMessage } from './relay-delivery.checker';

export interface TopicReader {
  readonly messages: readonly ReceivedMessage[];
  /** Distinct event ids seen so far. */
  readonly eventIds: ReadonlySet<string>;
  /** Resolves once every given event has arrived; rejects after `timeoutMs`. */
  waitFor(events: Iterable<{ readonly eventId: string }>, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Reads a topic from the beginning, decoding every message with the same codec consumers use. */
export async function readTopic(kafka: Kafka, topic: string): Promise<TopicReader> {
  const consumer = kafka.consumer({ groupId: `relay-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const messages: ReceivedMessage[] = [];
  const eventIds = new Set<string>();
  let listeners: Array<() => void> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const { envelope } = decodeKafkaMessage(message);
        messages.push({
          partition: batch.partition,
          offset: Number(message.offset),
          key: message.key?.toString() ?? null,
          envelope,
        });
        eventIds.add(envelope.eventId);
      }
      for (const listener of listeners) listener();
    },
  });
  return {
    messages,
    eventIds,
    waitFor: (wanted, timeoutMs) => {
      const pending = new Set(Array.from(wanted, (event) => event.eventId));
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          for (const id of pending) if (eventIds.has(id)) pending.delete(id);
          if (pending.size === 0) {
            finish();
            resolve();
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`${pending.size} events still missing from ${topic} after ${timeoutMs} ms`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          listeners = listeners.filter((l) => l !== check);
        };
        listeners.push(check);
        check();
      });
    },
    stop: () => consumer.disconnect(),
  };
}
