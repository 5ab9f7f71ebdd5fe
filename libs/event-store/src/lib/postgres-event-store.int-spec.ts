import { createTestDatabase, TestDatabase, testPool } from '@ledger/testing';
import { DatabaseError, Pool } from 'pg';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from './event-store.migrations';
import { AppendRequest, AppendResult, StoredEvent } from './event-store.port';
import { PostgresEventStore } from './postgres-event-store';
import { listenForAppended } from './testing/appended-notifications';
import { newEvent, newEvents, uniqueStreamId } from './testing/event.fixture';

function appended(result: AppendResult): Extract<AppendResult, { kind: 'appended' }> {
  if (result.kind !== 'appended') throw new Error(`expected appended, got ${JSON.stringify(result)}`);
  return result;
}

describe('PostgresEventStore', () => {
  let db: TestDatabase;
  let pool: Pool;
  let store: PostgresEventStore;

  const countEvents = async (streamId: string): Promise<number> =>
    Number((await pool.query(`SELECT count(*) FROM event_store.events WHERE stream_id = $1`, [streamId])).rows[0].count);

  const streamVersions = async (streamId: string): Promise<number[]> =>
    (
      await pool.query<{ version: string }>(`SELECT version FROM event_store.events WHERE stream_id = $1 ORDER BY version`, [streamId])
    ).rows.map((r) => Number(r.version));

  beforeAll(async () => {
    db = await createTestDatabase(eventStoreMigrations, EVENT_STORE_MIGRATIONS_TABLE);
    pool = testPool(db.url, 24);
    store = new PostgresEventStore(pool);
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  describe('append', () => {
    it('creates a stream at expected version 0 and continues it at the right version', async () => {
      const streamId = uniqueStreamId();
      const first = newEvents(2);

      const created = appended(await store.append({ streamId, expectedVersion: 0, events: first }));
      const continued = appended(await store.append({ streamId, expectedVersion: 2, events: [newEvent()] }));

      expect(created.nextVersion).toBe(2);
      expect(created.events.map((e) => e.version)).toEqual([1, 2]);
      expect(created.events.map((e) => e.eventId)).toEqual(first.map((e) => e.eventId));
      expect(created.events[0]?.transactionId).toMatch(/^\d+$/);
      expect(created.events[0]?.globalPosition).toMatch(/^\d+$/);
      expect(created.events[0]?.transactionId).toBe(created.events[1]?.transactionId);
      expect(continued.nextVersion).toBe(3);
      expect(continued.events[0]?.version).toBe(3);
      expect(BigInt(continued.events[0]?.transactionId ?? '0')).toBeGreaterThan(BigInt(created.events[0]?.transactionId ?? '0'));
      const row = (await pool.query(`SELECT version::int FROM event_store.streams WHERE stream_id = $1`, [streamId])).rows[0];
      expect(row.version).toBe(3);
    });

    it('reports a stale expected version as a conflict and writes nothing', async () => {
      const streamId = uniqueStreamId();
      appended(await store.append({ streamId, expectedVersion: 0, events: newEvents(2) }));

      const stale = await store.append({ streamId, expectedVersion: 1, events: [newEvent()] });
      const ahead = await store.append({ streamId, expectedVersion: 5, events: [newEvent()] });

      expect(stale).toEqual({ kind: 'conflict', expectedVersion: 1 });
      expect(ahead).toEqual({ kind: 'conflict', expectedVersion: 5 });
      expect(await streamVersions(streamId)).toEqual([1, 2]);
    });

    it('reports expected version 0 on an existing stream as a conflict', async () => {
      const streamId = uniqueStreamId();
      appended(await store.append({ streamId, expectedVersion: 0, events: [newEvent()] }));

      const again = await store.append({ streamId, expectedVersion: 0, events: [newEvent()] });

      expect(again).toEqual({ kind: 'conflict', expectedVersion: 0 });
      expect(await countEvents(streamId)).toBe(1);
    });

    it('never creates a stream when a positive expected version is given', async () => {
      const streamId = uniqueStreamId();

      const result = await store.append({ streamId, expectedVersion: 3, events: [newEvent()] });

      expect(result.kind).toBe('conflict');
      expect((await pool.query(`SELECT 1 FROM event_store.streams WHERE stream_id = $1`, [streamId])).rowCount).toBe(0);
    });

    it('lets exactly one of 50 concurrent appends at the same expected version win', async () => {
      const streamId = uniqueStreamId();
      appended(await store.append({ streamId, expectedVersion: 0, events: [newEvent()] }));

      const results = await Promise.all(
        Array.from({ length: 50 }, () => store.append({ streamId, expectedVersion: 1, events: newEvents(2) })),
      );

      expect(results.filter((r) => r.kind === 'appended')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'conflict')).toHaveLength(49);
      expect(await streamVersions(streamId)).toEqual([1, 2, 3]);
    });

    it('lets exactly one of 50 concurrent creations of the same stream win', async () => {
      const streamId = uniqueStreamId();

      const results = await Promise.all(
        Array.from({ length: 50 }, () => store.append({ streamId, expectedVersion: 0, events: [newEvent()] })),
      );

      expect(results.filter((r) => r.kind === 'appended')).toHaveLength(1);
      expect(await streamVersions(streamId)).toEqual([1]);
    });

    it('backs the stream row with the (stream_id, version) unique index, reported as a conflict', async () => {
      const streamId = uniqueStreamId();
      appended(await store.append({ streamId, expectedVersion: 0, events: [newEvent()] }));
      // An event row at version 2 without the stream row knowing: only the unique index can catch it.
      await pool.query(
        `INSERT INTO event_store.events (stream_id, version, event_id, type, schema_version, data, metadata, occurred_at)
         VALUES ($1, 2, gen_random_uuid(), 'Stray', 1, '{}', '{"correlationId":"c","causationId":null}', now())`,
        [streamId],
      );

      const result = await store.append({ streamId, expectedVersion: 1, events: [newEvent()] });

      expect(result).toEqual({ kind: 'conflict', expectedVersion: 1 });
      const row = (await pool.query(`SELECT version::int FROM event_store.streams WHERE stream_id = $1`, [streamId])).rows[0];
      expect(row.version).toBe(1);
    });

    it("refuses an append whose transaction id is below the stream's last one (commit-order guard)", async () => {
      const streamId = uniqueStreamId();
      appended(await store.append({ streamId, expectedVersion: 0, events: [newEvent()] }));
      // As if the last append came from a transaction far in the future.
      await pool.query(`UPDATE event_store.streams SET last_transaction_id = '9000000000000000' WHERE stream_id = $1`, [streamId]);

      const result = await store.append({ streamId, expectedVersion: 1, events: [newEvent()] });

      expect(result).toEqual({ kind: 'conflict', expectedVersion: 1 });
      expect(await streamVersions(streamId)).toEqual([1]);
    });

    it('refuses a reused eventId with an error and writes nothing', async () => {
      const streamId = uniqueStreamId();
      const event = newEvent();
      appended(await store.append({ streamId, expectedVersion: 0, events: [event] }));

      await expect(store.append({ streamId, expectedVersion: 1, events: [event] })).rejects.toThrow(/eventId/);
      expect(await countEvents(streamId)).toBe(1);
    });

    it.each<[string, Partial<AppendRequest>, RegExp]>([
      ['a negative expected version', { expectedVersion: -1 }, /expectedVersion/],
      ['a fractional expected version', { expectedVersion: 1.5 }, /expectedVersion/],
      ['no events', { events: [] }, /at least one event/],
      ['an empty stream id', { streamId: '' }, /streamId/],
      ['a 201-character stream id', { streamId: 's'.repeat(201) }, /streamId/],
      ['an event without a uuid', { events: [newEvent({ eventId: 'nope' })] }, /eventId/],
      ['a zero schema version', { events: [newEvent({ schemaVersion: 0 })] }, /schemaVersion/],
      ['an invalid date', { events: [newEvent({ occurredAt: new Date('x') })] }, /occurredAt/],
      ['a snapshot beyond the new version', { snapshot: { version: 9, schemaVersion: 1, state: {} } }, /snapshot/],
    ])('throws on %s', async (_label, overrides, message) => {
      const streamId = uniqueStreamId();
      await expect(store.append({ streamId, expectedVersion: 0, events: [newEvent()], ...overrides })).rejects.toThrow(message);
      expect(await countEvents(streamId)).toBe(0);
    });
  });

  describe('idempotency', () => {
    // Opaque to the store; key order is part of what must come back.
    const result = { status: 201, body: { zeta: 'a-1', alpha: '100' } };

    it('returns the stored record on a reused key and appends nothing', async () => {
      const streamId = uniqueStreamId();
      const key = `key-${streamId}`;
      const idempotency = { key, requestHash: 'hash-1', result };
      appended(await store.append({ streamId, expectedVersion: 0, events: [newEvent()], idempotency }));

      const second = await store.append({
        streamId,
        expectedVersion: 1,
        events: [newEvent()],
        idempotency: { key, requestHash: 'hash-2', result: { status: 200, body: {} } },
      });

      expect(second).toEqual({ kind: 'idempotency-key-used', record: { requestHash: 'hash-1', result } });
      expect(await countEvents(streamId)).toBe(1);
      const found = await store.findIdempotencyRecord({ key });
      expect(JSON.stringify(found?.result)).toBe(JSON.stringify(result));
    });

    it('does not store the key when the append conflicts', async () => {
      const streamId = uniqueStreamId();
      const key = `key-${streamId}`;
      appended(await store.append({ streamId, expectedVersion: 0, events: [newEvent()] }));

      const outcome = await store.append({
        streamId,
        expectedVersion: 0,
        events: [newEvent()],
        idempotency: { key, requestHash: 'h', result },
      });

      expect(outcome.kind).toBe('conflict');
      expect(await store.findIdempotencyRecord({ key })).toBeNull();
    });

    it('appends once for 20 concurrent requests with one key, each retrying on conflict', async () => {
      const streamId = uniqueStreamId();
      const key = `key-${streamId}`;
      appended(await store.append({ streamId, expectedVersion: 0, events: [newEvent()] }));

      const attempt = async (): Promise<AppendResult> => {
        for (;;) {
          const { version } = await store.readStream(streamId, { snapshotSchemaVersion: 1 });
          const outcome = await store.append({
            streamId,
            expectedVersion: version,
            events: [newEvent()],
            idempotency: { key, requestHash: 'same', result },
          });
          if (outcome.kind !== 'conflict') return outcome;
        }
      };
      const results = await Promise.all(Array.from({ length: 20 }, attempt));

      expect(results.filter((r) => r.kind === 'appended')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'idempotency-key-used')).toHaveLength(19);
      expect(await streamVersions(streamId)).toEqual([1, 2]);
    });

    it('returns null for an unknown key', async () => {
      expect(await store.findIdempotencyRecord({ key: `missing-${uniqueStreamId()}` })).toBeNull();
    });

    it('refuses a 201-character key in the adapter and in the database', async () => {
      const streamId = uniqueStreamId();
      const key = 'k'.repeat(201);

      await expect(
        store.append({ streamId, expectedVersion: 0, events: [newEvent()], idempotency: { key, requestHash: 'h', result } }),
      ).rejects.toThrow(/idempotency key longer than 200/);
      const direct = pool.query(
        `INSERT INTO event_store.idempotency_keys (key, scope, request_hash, result, stream_id)
         VALUES ($1, '', 'h', '{}', $2)`,
        [key, streamId],
      );
      await expect(direct).rejects.toMatchObject({ code: '23514' });
      expect(await countEvents(streamId)).toBe(0);
    });

    it('accepts a 200-character key', async () => {
      const streamId = uniqueStreamId();
      const key = 'k'.repeat(200);

      appended(await store.append({ streamId, expectedVersion: 0, events: [newEvent()], idempotency: { key, requestHash: 'h', result } }));

      expect(await store.findIdempotencyRecord({ key })).toEqual({ requestHash: 'h', result });
    });
  });

  describe('snapshots and readStream', () => {
    it('reads a missing stream as version 0 with nothing in it', async () => {
      expect(await store.readStream(uniqueStreamId(), { snapshotSchemaVersion: 1 })).toEqual({
        version: 0,
        snapshot: null,
        events: [],
      });
    });

    it('writes no snapshot unless one is given', async () => {
      const streamId = uniqueStreamId();
      appended(await store.append({ streamId, expectedVersion: 0, events: newEvents(3) }));

      const read = await store.readStream(streamId, { snapshotSchemaVersion: 1 });

      expect((await pool.query(`SELECT 1 FROM event_store.snapshots WHERE stream_id = $1`, [streamId])).rowCount).toBe(0);
      expect(read.snapshot).toBeNull();
      expect(read.version).toBe(3);
      expect(read.events.map((e) => e.version)).toEqual([1, 2, 3]);
    });

    it('returns the snapshot and only the events after it', async () => {
      const streamId = uniqueStreamId();
      const first = newEvents(3);
      appended(
        await store.append({
          streamId,
          expectedVersion: 0,
          events: first,
          snapshot: { version: 3, schemaVersion: 2, state: { total: '3' } },
        }),
      );
      const tail = appended(await store.append({ streamId, expectedVersion: 3, events: newEvents(2) }));

      const read = await store.readStream(streamId, { snapshotSchemaVersion: 2 });

      expect(read.snapshot).toEqual({ version: 3, schemaVersion: 2, state: { total: '3' } });
      expect(read.version).toBe(5);
      expect(read.events).toEqual(tail.events);
    });

    it('reads the snapshot alone when no event follows it', async () => {
      const streamId = uniqueStreamId();
      appended(
        await store.append({
          streamId,
          expectedVersion: 0,
          events: newEvents(2),
          snapshot: { version: 2, schemaVersion: 1, state: { s: 2 } },
        }),
      );

      const read = await store.readStream(streamId, { snapshotSchemaVersion: 1 });

      expect(read).toEqual({ version: 2, snapshot: { version: 2, schemaVersion: 1, state: { s: 2 } }, events: [] });
    });

    it('keeps only the latest snapshot per stream', async () => {
      const streamId = uniqueStreamId();
      appended(
        await store.append({
          streamId,
          expectedVersion: 0,
          events: [newEvent()],
          snapshot: { version: 1, schemaVersion: 1, state: { s: 1 } },
        }),
      );
      appended(
        await store.append({
          streamId,
          expectedVersion: 1,
          events: [newEvent()],
          snapshot: { version: 2, schemaVersion: 1, state: { s: 2 } },
        }),
      );

      const rows = (await pool.query(`SELECT version::int, state FROM event_store.snapshots WHERE stream_id = $1`, [streamId])).rows;

      expect(rows).toEqual([{ version: 2, state: { s: 2 } }]);
    });

    it('ignores a snapshot of another schema version and returns every event', async () => {
      const streamId = uniqueStreamId();
      const all = appended(
        await store.append({
          streamId,
          expectedVersion: 0,
          events: newEvents(4),
          snapshot: { version: 4, schemaVersion: 1, state: { old: true } },
        }),
      );

      const read = await store.readStream(streamId, { snapshotSchemaVersion: 2 });

      expect(read.snapshot).toBeNull();
      expect(read.version).toBe(4);
      expect(read.events).toEqual(all.events);
    });

    it('round-trips every field of an event', async () => {
      const streamId = uniqueStreamId();
      const event = newEvent({
        type: 'Deposited',
        schemaVersion: 3,
        data: { amount: '12345678901234567890', nested: { list: [1, 'two', null, true] } },
        metadata: { correlationId: 'c-1', causationId: 'x-1', traceparent: '00-abc-def-01', tracestate: 'k=v' },
      });
      const [written] = appended(await store.append({ streamId, expectedVersion: 0, events: [event] })).events;

      const [read] = (await store.readStream(streamId, { snapshotSchemaVersion: 1 })).events;

      expect(read).toEqual<StoredEvent>({
        ...event,
        streamId,
        version: 1,
        globalPosition: written?.globalPosition ?? '',
        transactionId: written?.transactionId ?? '',
      });
    });
  });

  it('reads an event stored in an old schema as written: readers upcast it as they decode it', async () => {
    const streamId = uniqueStreamId();
    appended(await store.append({ streamId, expectedVersion: 0, events: [newEvent({ type: 'Other' })] }));
    await pool.query(`UPDATE event_store.streams SET version = 2 WHERE stream_id = $1`, [streamId]);
    await pool.query(
      `INSERT INTO event_store.events (stream_id, version, event_id, type, schema_version, data, metadata, occurred_at)
       VALUES ($1, 2, gen_random_uuid(), 'TestDeposited', 1, '{"cents": 250}', '{"correlationId":"c","causationId":null}',
               '2020-05-06T07:08:09Z')`,
      [streamId],
    );

    const read = await store.readStream(streamId, { snapshotSchemaVersion: 1 });

    expect(read.version).toBe(2);
    expect(read.events[1]).toMatchObject({
      version: 2,
      type: 'TestDeposited',
      schemaVersion: 1,
      data: { cents: 250 },
      occurredAt: new Date('2020-05-06T07:08:09Z'),
    });
  });

  describe('hostile input', () => {
    it.each([`it's "quoted"`, `x'; DROP TABLE event_store.events; --`, `$1 $$ \\ % _ ; SELECT pg_sleep(10)`, `ünïcødé 🧾 \t\n`])(
      'stores stream id %j verbatim',
      async (suffix) => {
        const streamId = `${uniqueStreamId()}${suffix}`;
        const key = `k${suffix}${streamId.slice(7, 20)}`;

        const result = appended(
          await store.append({
            streamId,
            expectedVersion: 0,
            events: [newEvent({ data: { note: suffix } })],
            snapshot: { version: 1, schemaVersion: 1, state: { note: suffix } },
            idempotency: { key, requestHash: suffix, result: { status: 201, body: { note: suffix } } },
          }),
        );
        const withSnapshot = await store.readStream(streamId, { snapshotSchemaVersion: 1 });
        const full = await store.readStream(streamId, { snapshotSchemaVersion: 2 });

        expect(result.events[0]?.streamId).toBe(streamId);
        expect(withSnapshot.snapshot?.state).toEqual({ note: suffix });
        expect(full.events.map((e) => [e.streamId, e.data])).toEqual([[streamId, { note: suffix }]]);
        expect((await store.findIdempotencyRecord({ key }))?.requestHash).toBe(suffix);
        const stored = await pool.query(`SELECT stream_id FROM event_store.streams WHERE stream_id = $1`, [streamId]);
        expect(stored.rows).toEqual([{ stream_id: streamId }]);
        expect(await pool.query(`SELECT to_regclass('event_store.events') IS NOT NULL AS present`)).toMatchObject({
          rows: [{ present: true }],
        });
      },
    );

    it('surfaces a database refusal of the data without writing anything', async () => {
      const streamId = uniqueStreamId();
      // jsonb cannot hold U+0000: the statement fails as a whole.
      const failing = store.append({ streamId, expectedVersion: 0, events: [newEvent({ data: { bad: '\u0000' } })] });

      await expect(failing).rejects.toBeInstanceOf(DatabaseError);
      expect((await pool.query(`SELECT 1 FROM event_store.streams WHERE stream_id = $1`, [streamId])).rowCount).toBe(0);
    });
  });

  describe('notification', () => {
    it('notifies event_store_appended with the stream id once the append commits', async () => {
      const listener = await pool.connect();
      const streamId = uniqueStreamId(`it's`);
      try {
        const { received, arrived } = await listenForAppended(listener, streamId);

        appended(await store.append({ streamId, expectedVersion: 0, events: newEvents(2) }));
        expect((await store.append({ streamId, expectedVersion: 0, events: [newEvent()] })).kind).toBe('conflict');
        await arrived;
        await listener.query('SELECT 1');

        // One per committed append (not per event), none for the conflict.
        expect(received.filter((p) => p === streamId)).toHaveLength(1);
      } finally {
        await listener.query('UNLISTEN *');
        listener.release();
      }
    });

    it('throttles notifications to one per window, the quiet appends covered by one stand-alone NOTIFY', async () => {
      const throttled = new PostgresEventStore(pool, { notifyMinIntervalMs: 300 });
      const listener = await pool.connect();
      const streams = Array.from({ length: 5 }, () => uniqueStreamId());
      try {
        const received: string[] = [];
        let lastArrived: () => void = () => undefined;
        const arrived = new Promise<void>((resolve) => (lastArrived = resolve));
        listener.on('notification', (n) => {
          received.push(n.payload ?? '');
          if (n.payload === streams[4]) lastArrived();
        });
        await listener.query('LISTEN event_store_appended');

        for (const streamId of streams) {
          appended(await throttled.append({ streamId, expectedVersion: 0, events: [newEvent()] }));
        }
        await arrived;
        await listener.query('SELECT 1');

        expect(received.filter((p) => streams.includes(p))).toEqual([streams[0], streams[4]]);
      } finally {
        await listener.query('UNLISTEN *');
        listener.release();
      }
    });

    it('stays silent when notify is off', async () => {
      const quiet = new PostgresEventStore(pool, { notify: false });
      const listener = await pool.connect();
      const streamId = uniqueStreamId();
      try {
        const received: string[] = [];
        listener.on('notification', (n) => received.push(n.payload ?? ''));
        await listener.query('LISTEN event_store_appended');

        appended(await quiet.append({ streamId, expectedVersion: 0, events: [newEvent()] }));
        await listener.query('SELECT 1');

        expect(received).not.toContain(streamId);
      } finally {
        await listener.query('UNLISTEN *');
        listener.release();
      }
    });
  });
});
