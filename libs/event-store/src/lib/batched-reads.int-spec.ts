import { databaseSuite } from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from './event-store.migrations';
import { PostgresEventStore } from './postgres-event-store';
import { newEvents } from './testing/event.fixture';

describe('stream reads that arrive together', () => {
  const db = databaseSuite({ migrations: eventStoreMigrations, migrationsTable: EVENT_STORE_MIGRATIONS_TABLE, poolSize: 4 });

  it('given streams with and without snapshots, when read at once, then one statement serves several and each gets its own snapshot and tail', async () => {
    const store = new PostgresEventStore(db.pool);
    const plain = randomUUID();
    const snapshotted = randomUUID();
    const otherSchema = randomUUID();
    const absent = randomUUID();
    await store.append({ streamId: plain, expectedVersion: 0, events: newEvents(3) });
    await store.append({
      streamId: snapshotted,
      expectedVersion: 0,
      events: newEvents(4),
      snapshot: { version: 4, schemaVersion: 1, state: { at: 4 } },
    });
    await store.append({ streamId: snapshotted, expectedVersion: 4, events: newEvents(2) });
    await store.append({
      streamId: otherSchema,
      expectedVersion: 0,
      events: newEvents(2),
      snapshot: { version: 2, schemaVersion: 2, state: { at: 2 } },
    });
    const before = store.readBatchStats();

    const requests = [plain, snapshotted, otherSchema, absent, plain, snapshotted];
    const reads = await Promise.all(requests.map((streamId) => store.readStream(streamId, { snapshotSchemaVersion: 1 })));

    const after = store.readBatchStats();
    const shape = reads.map((read) => ({
      version: read.version,
      snapshot: read.snapshot && { version: read.snapshot.version, state: read.snapshot.state },
      events: read.events.map((e) => `${e.streamId}:${e.version}`),
    }));
    const tail = (id: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${id}:${from + i}`);
    const expected = {
      [plain]: { version: 3, snapshot: null, events: tail(plain, 1, 3) },
      [snapshotted]: { version: 6, snapshot: { version: 4, state: { at: 4 } }, events: tail(snapshotted, 5, 6) },
      // Its snapshot has another schema version: the whole stream is the tail.
      [otherSchema]: { version: 2, snapshot: null, events: tail(otherSchema, 1, 2) },
      [absent]: { version: 0, snapshot: null, events: [] },
    };
    expect(shape).toEqual(requests.map((id) => expected[id]));
    expect(after.items - before.items).toBe(requests.length);
    expect(after.batches - before.batches).toBeLessThan(requests.length);
  });

  it('given batching off, when read at once, then every read is answered alone and alike', async () => {
    const store = new PostgresEventStore(db.pool, { batchReads: false });
    const streamId = randomUUID();
    await store.append({ streamId, expectedVersion: 0, events: newEvents(2) });

    const reads = await Promise.all([1, 2, 3].map(() => store.readStream(streamId, { snapshotSchemaVersion: 1 })));

    expect(reads.map((read) => read.version)).toEqual([2, 2, 2]);
    expect(store.readBatchStats()).toEqual({ batches: 0, items: 0, largestBatch: 0 });
  });
});
