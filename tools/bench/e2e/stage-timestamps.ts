import { COMMIT_ORIGIN, readCommittedBatch, type CommitPosition } from '@ledger/event-store';
import { createKafka, decodeKafkaMessage } from '@ledger/messaging';
import { projectedAtByEvent } from '@ledger/testing';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { sleep } from '@ledger/platform';

/** Where one event was when: epoch milliseconds, each from the clock of the step that wrote it. */
export interface StageTimes {
  /** `recorded_at`: the start of the command's append transaction (ms precision). */
  readonly appendedAt: number;
  /** The Kafka record's CreateTime: set by the relay's producer as it sent the batch. */
  readonly relayedAt?: number;
  /** `processed_at`: the start of the projector's read-model transaction that applied it. */
  readonly projectedAt?: number;
}

/** `recorded_at` of every stored event, read in commit order through the event store's reader. */
async function appendedAt(pool: Pool): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  const client = await pool.connect();
  try {
    let after: CommitPosition = COMMIT_ORIGIN;
    for (;;) {
      const batch = await readCommittedBatch(client, after, 5_000);
      for (const event of batch) times.set(event.eventId, event.recordedAt.getTime());
      const last = batch[batch.length - 1];
      if (last === undefined) return times;
      after = last;
    }
  } finally {
    client.release();
  }
}

/** The record timestamp of every message on the topic, read from the start by a group of our own. */
async function relayedAt(brokers: string, topic: string, expected: number, timeoutMs: number): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  const kafka = createKafka('bench-e2e-timestamps', brokers.split(','));
  const consumer = kafka.consumer({ groupId: `bench-e2e-timestamps-${randomBytes(4).toString('hex')}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let done!: () => void;
    const complete = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          times.set(decodeKafkaMessage(message).envelope.eventId, Number(message.timestamp));
        }
        if (times.size >= expected) done();
      },
    });
    const completed = new AbortController();
    await Promise.race([complete.then(() => completed.abort()), sleep(timeoutMs, completed.signal)]);
  } finally {
    await consumer.disconnect();
  }
  return times;
}

/** Each stored event's times at the three steps that are not the client's own. */
export async function stageTimes(databaseUrl: string, brokers: string, topic: string): Promise<Map<string, StageTimes>> {
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const appended = await appendedAt(pool);
    const projected = await projectedAtByEvent(pool);
    const relayed = await relayedAt(brokers, topic, appended.size, 60_000);
    const times = new Map<string, StageTimes>();
    for (const [eventId, at] of appended) {
      times.set(eventId, { appendedAt: at, relayedAt: relayed.get(eventId), projectedAt: projected.get(eventId) });
    }
    return times;
  } finally {
    await pool.end();
  }
}
