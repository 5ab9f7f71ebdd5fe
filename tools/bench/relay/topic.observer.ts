import { EVENT_HEADERS } from '@ledger/messaging';
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';

/** One relayed record as the observer saw it. */
export interface ObservedRecord {
  /** The record's Kafka timestamp (CreateTime: the relay's producer sets it when it sends). */
  readonly createTime: number;
  /** When the observing consumer received it. */
  readonly arrivedAt: number;
}

export interface TopicObserver {
  /** Records seen so far. */
  count(): number;
  /** Event id (the record's event-id header) -> when it was sent and received. */
  readonly records: ReadonlyMap<string, ObservedRecord>;
  /** Earliest and latest CreateTime seen. */
  createTimeSpan(): { first: number; last: number };
  stop(): Promise<void>;
}

/**
 * Reads a topic from its beginning with a consumer group of its own, so the benchmark sees what the
 * relay published without reaching into the relay's process.
 */
export async function observeTopic(kafka: Kafka, topic: string, keepRecords: boolean): Promise<TopicObserver> {
  const consumer: Consumer = kafka.consumer({
    groupId: `bench-relay-observer-${randomUUID()}`,
  });
  const records = new Map<string, ObservedRecord>();
  let count = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const arrivedAt = Date.now();
      for (const message of batch.messages) {
        const createTime = Number(message.timestamp);
        count += 1;
        first = Math.min(first, createTime);
        last = Math.max(last, createTime);
        const eventId = message.headers?.[EVENT_HEADERS.eventId]?.toString();
        if (keepRecords && eventId !== undefined) records.set(eventId, { createTime, arrivedAt });
      }
    },
  });
  return {
    count: () => count,
    records,
    createTimeSpan: () => ({ first, last }),
    stop: () => consumer.disconnect(),
  };
}
