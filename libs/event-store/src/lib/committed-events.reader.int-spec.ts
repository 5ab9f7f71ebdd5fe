import { bulkAppend, databaseSuite, eventually } from '@ledger/testing';
import type { Client, PoolClient } from 'pg';
import {
  COMMIT_ORIGIN,
  countStoredEvents,
  readCommittedBatch,
  readCommittedOrHeldBack,
  type CommitPosition,
  type CommittedEvent,
} from './committed-events.reader';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from './event-store.migrations';
import { PostgresEventStore } from './postgres-event-store';
import { newEvent, newEvents } from './testing/event.fixture';

/**
 * The horizon is cluster-wide: a transaction of another suite that started before our append holds
 * it back for a moment, so reads that expect rows wait for them.
 */
async function readAtLeast(session: Client, after: CommitPosition, limit: number, count: number) {
  let read: CommittedEvent[] = [];
  await eventually(
    async () => (read = await readCommittedBatch(session, after, limit)).length >= count,
    15_000,
    `${count} committed events readable`,
    () => read.map((e) => `${e.streamId}:${e.version}`),
  );
  return read;
}

/** A store on this session: its appends run one by one inside the transaction the test controls. */
function storeOn(client: PoolClient): PostgresEventStore {
  return new PostgresEventStore(client);
}

describe('committed events reader', () => {
  const db = databaseSuite({ migrations: eventStoreMigrations, migrationsTable: EVENT_STORE_MIGRATIONS_TABLE, poolSize: 8, session: true });
  let store: PostgresEventStore;

  beforeAll(() => {
    store = new PostgresEventStore(db.pool);
  });

  beforeEach(async () => {
    await db.pool.query('TRUNCATE event_store.events, event_store.streams');
  });

  it('given one append of 12 events, when read, then they come in position order (numerically, not as text)', async () => {
    await store.append({ streamId: 'a', expectedVersion: 0, events: newEvents(12) });

    const read = await readAtLeast(db.session, COMMIT_ORIGIN, 100, 12);

    expect(read.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(read.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('given an open transaction with a lower xid, when a later one commits, then nothing after the open one is read until it ends', async () => {
    const open = await db.pool.connect();
    try {
      await open.query('BEGIN');
      await storeOn(open).append({ streamId: 'slow', expectedVersion: 0, events: newEvents(1) });
      await store.append({ streamId: 'fast', expectedVersion: 0, events: newEvents(2) });

      const whileOpen = await readCommittedBatch(db.session, COMMIT_ORIGIN, 100);
      const heldBackWhileOpen = (await readCommittedOrHeldBack(db.session, COMMIT_ORIGIN, 100)).heldBack;
      await open.query('COMMIT');
      const afterCommit = await readAtLeast(db.session, COMMIT_ORIGIN, 100, 3);
      const last = afterCommit[afterCommit.length - 1] ?? COMMIT_ORIGIN;

      expect(whileOpen).toEqual([]);
      expect(heldBackWhileOpen).toBe(true);
      expect(afterCommit.map((e) => `${e.streamId}:${e.version}`)).toEqual(['slow:1', 'fast:1', 'fast:2']);
      expect((await readCommittedOrHeldBack(db.session, last, 100)).heldBack).toBe(false);
    } finally {
      open.release();
    }
  });

  it('given a rolled-back append, when read, then its events never appear and later ones do', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await storeOn(client).append({ streamId: 'gone', expectedVersion: 0, events: newEvents(3) });
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    await store.append({ streamId: 'kept', expectedVersion: 0, events: newEvents(1) });

    const read = await readAtLeast(db.session, COMMIT_ORIGIN, 100, 1);

    expect(read.map((e) => e.streamId)).toEqual(['kept']);
  });

  it('given a position, when read with a limit, then reading resumes exactly after it', async () => {
    await store.append({ streamId: 'a', expectedVersion: 0, events: newEvents(5) });
    const first = await readAtLeast(db.session, COMMIT_ORIGIN, 2, 2);
    const last = first[first.length - 1];
    if (last === undefined) throw new Error('nothing read');

    const rest = await readAtLeast(db.session, last, 100, 3);

    expect(first.map((e) => e.version)).toEqual([1, 2]);
    expect(rest.map((e) => e.version)).toEqual([3, 4, 5]);
  });

  it('given a bulk append over several streams, when read, then each stream comes in version order and the count matches', async () => {
    const event = (streamId: string, version: number) => ({ ...newEvent({ data: { n: version } }), streamId, version });
    await bulkAppend(db.pool, [event('x', 1), event('y', 1), event('x', 2), event('y', 2)]);
    await bulkAppend(db.pool, [event('y', 3), event('x', 3)]);

    const read = await readAtLeast(db.session, COMMIT_ORIGIN, 100, 6);

    expect(read.map((e) => `${e.streamId}:${e.version}`)).toEqual(['x:1', 'y:1', 'x:2', 'y:2', 'y:3', 'x:3']);
    expect(await countStoredEvents(db.pool)).toBe(6);
    const streams = await db.pool.query(`SELECT stream_id, version::int FROM event_store.streams ORDER BY stream_id`);
    expect(streams.rows).toEqual([
      { stream_id: 'x', version: 3 },
      { stream_id: 'y', version: 3 },
    ]);
    expect(await store.append({ streamId: 'x', expectedVersion: 3, events: newEvents(1) })).toMatchObject({
      kind: 'appended',
      nextVersion: 4,
    });
  });

  describe('in one round trip with the held-back check', () => {
    it('given events after a position, when read with a limit, then it gives what the batch read gives and nothing held back', async () => {
      await store.append({ streamId: 'a', expectedVersion: 0, events: newEvents(12) });
      const all = await readAtLeast(db.session, COMMIT_ORIGIN, 100, 12);
      const third = all[2];
      if (third === undefined) throw new Error('nothing read');

      const first = await readCommittedOrHeldBack(db.session, COMMIT_ORIGIN, 100);
      const rest = await readCommittedOrHeldBack(db.session, third, 5);

      expect(first).toEqual({ events: all, heldBack: false });
      expect(rest.events.map((e) => e.version)).toEqual([4, 5, 6, 7, 8]);
      expect(rest.heldBack).toBe(false);
    });

    it('given an open transaction with a lower xid, when a later one commits, then what is before it is read and the rest is said to be held back until it ends', async () => {
      await store.append({ streamId: 'early', expectedVersion: 0, events: newEvents(1) });
      const [early] = await readAtLeast(db.session, COMMIT_ORIGIN, 100, 1);
      if (early === undefined) throw new Error('nothing read');
      const open = await db.pool.connect();
      try {
        await open.query('BEGIN');
        await storeOn(open).append({ streamId: 'slow', expectedVersion: 0, events: newEvents(1) });
        await store.append({ streamId: 'fast', expectedVersion: 0, events: newEvents(2) });

        const whileOpen = await readCommittedOrHeldBack(db.session, COMMIT_ORIGIN, 100);
        const afterEarlyWhileOpen = await readCommittedOrHeldBack(db.session, early, 100);
        await open.query('COMMIT');
        const afterCommit = await readAtLeast(db.session, early, 100, 3);
        const last = afterCommit[afterCommit.length - 1] ?? COMMIT_ORIGIN;
        const caughtUp = await readCommittedOrHeldBack(db.session, last, 100);

        expect(whileOpen).toEqual({ events: [early], heldBack: true });
        expect(afterEarlyWhileOpen).toEqual({ events: [], heldBack: true });
        expect(afterCommit.map((e) => `${e.streamId}:${e.version}`)).toEqual(['slow:1', 'fast:1', 'fast:2']);
        expect((await readCommittedOrHeldBack(db.session, early, 100)).events).toEqual(afterCommit);
        expect(caughtUp).toEqual({ events: [], heldBack: false });
      } finally {
        open.release();
      }
    });
  });
});
