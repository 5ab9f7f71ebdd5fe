import { createTestDatabase, TestDatabase, testPool } from '@ledger/testing';
import { Pool } from 'pg';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from './event-store.migrations';
import { PostgresEventStore } from './postgres-event-store';
import type { Upcaster } from './event-store.port';
import { readStreamEvents } from './stream-events.reader';
import { newEvent, newEvents, uniqueStreamId } from './testing/event.fixture';

describe('readStreamEvents', () => {
  let db: TestDatabase;
  let pool: Pool;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase(eventStoreMigrations, EVENT_STORE_MIGRATIONS_TABLE);
    pool = testPool(db.url, 4);
    store = new PostgresEventStore(pool, { notify: false });
  }, 30_000);

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('given a stream with a snapshot, then every event from version 1 is returned, in version order', async () => {
    const streamId = uniqueStreamId();
    const first = newEvents(3);
    const second = newEvents(2);
    await store.append({ streamId, expectedVersion: 0, events: first });
    await store.append({ streamId, expectedVersion: 3, events: second, snapshot: { version: 5, schemaVersion: 1, state: {} } });
    await store.append({ streamId: uniqueStreamId(), expectedVersion: 0, events: newEvents(2) });

    const events = await readStreamEvents(pool, streamId);

    expect(events.map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
    expect(events.map((e) => e.eventId)).toEqual([...first, ...second].map((e) => e.eventId));
    expect(events[0]).toMatchObject({
      streamId,
      type: 'TestHappened',
      schemaVersion: 1,
      data: { n: 1 },
      metadata: first[0]?.metadata,
      occurredAt: first[0]?.occurredAt,
      globalPosition: expect.stringMatching(/^\d+$/),
      transactionId: expect.stringMatching(/^\d+$/),
    });
  });

  it('given an unknown stream, then nothing is returned', async () => {
    expect(await readStreamEvents(pool, uniqueStreamId())).toEqual([]);
  });

  it('given an upcaster, then events stored in an old schema come back in the current one', async () => {
    const upcast: Upcaster = (raw) =>
      raw.schemaVersion === 1 && raw.type === 'TestDeposited'
        ? { type: raw.type, schemaVersion: 2, data: { amount: String(raw.data['cents']) } }
        : { type: raw.type, schemaVersion: raw.schemaVersion, data: raw.data };
    const streamId = uniqueStreamId();
    await store.append({
      streamId,
      expectedVersion: 0,
      events: [newEvent(), newEvent({ type: 'TestDeposited', schemaVersion: 1, data: { cents: 250 } })],
    });

    const events = await readStreamEvents(pool, streamId, { upcast });

    expect(events.map((e) => [e.type, e.schemaVersion, e.data])).toEqual([
      ['TestHappened', 1, { n: 1 }],
      ['TestDeposited', 2, { amount: '250' }],
    ]);
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(201)],
    ['with a NUL', 'a\u0000b'],
  ])('given a stream id that is %s, then it throws before querying', async (_name, streamId) => {
    await expect(readStreamEvents(pool, streamId)).rejects.toThrow(/streamId/);
  });

  it('given a hostile stream id, then it is only ever a value', async () => {
    const hostile = `x'; DROP TABLE event_store.events; --`;
    await store.append({ streamId: hostile, expectedVersion: 0, events: [newEvent()] });
    expect((await readStreamEvents(pool, hostile)).map((e) => e.streamId)).toEqual([hostile]);
  });
});
