import { databaseSuite } from '@ledger/testing';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from '../event-store.migrations';
import { PostgresEventStore } from '../postgres-event-store';
import { readStreamEvents } from '../stream-events.reader';
import { newEvents } from '../testing/event.fixture';
import { eventsInStreamOrder } from './events-in-stream-order.reader';

describe('eventsInStreamOrder', () => {
  const db = databaseSuite({ migrations: eventStoreMigrations, migrationsTable: EVENT_STORE_MIGRATIONS_TABLE, poolSize: 2, session: true });
  /** Stream ids in order, with their lengths: one of them past ten versions (text order would put 10 before 9). */
  const streams: [string, number][] = [
    ['stream-a', 12],
    ['stream-b', 1],
    ['stream-c', 25],
  ];

  beforeAll(async () => {
    const store = new PostgresEventStore(db.pool, { notify: false });
    // Interleaved appends: the store's commit order is not the stream order the reader gives.
    for (let round = 0; round < 25; round++) {
      for (const [streamId, length] of [...streams].reverse()) {
        if (round < length) await store.append({ streamId, expectedVersion: round, events: newEvents(1) });
      }
    }
  }, 60_000);

  async function all(options: Parameters<typeof eventsInStreamOrder>[1]) {
    const events = [];
    for await (const event of eventsInStreamOrder(db.session, options)) events.push(event);
    return events;
  }

  it.each([1, 5, 12, 1000])('given pages of %i, then every event once, by stream id then version, as stored', async (batchSize) => {
    const events = await all({ batchSize });

    expect(events.map((e) => `${e.streamId}:${e.version}`)).toEqual(
      streams.flatMap(([id, n]) => Array.from({ length: n }, (_, i) => `${id}:${i + 1}`)),
    );
    const whole = (await Promise.all(streams.map(([id]) => readStreamEvents(db.pool, id)))).flat();
    expect(events).toEqual(whole);
  });

  it('given a stream id, then only that stream, in pages', async () => {
    const events = await all({ batchSize: 4, streamId: 'stream-c' });

    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(new Set(events.map((e) => e.streamId))).toEqual(new Set(['stream-c']));
    expect(await all({ batchSize: 4, streamId: 'stream-unknown' })).toEqual([]);
  });

  it('given a batch size that is not a positive integer, then it refuses before reading', async () => {
    await expect(all({ batchSize: 0 })).rejects.toThrow(/batch size must be a positive integer/);
    await expect(all({ batchSize: 2.5 })).rejects.toThrow(/batch size/);
  });
});
