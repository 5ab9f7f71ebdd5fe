import { createTestDatabase, eventually, TestDatabase, testPool } from '@ledger/testing';
import { DatabaseError, Pool } from 'pg';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from './event-store.migrations';
import { AppendRequest, AppendResult, JsonObject } from './event-store.port';
import { PostgresEventStore } from './postgres-event-store';
import { newEvent, newEvents, uniqueStreamId } from './testing/event.fixture';

function appended(result: AppendResult): Extract<AppendResult, { kind: 'appended' }> {
  if (result.kind !== 'appended') throw new Error(`expected appended, got ${JSON.stringify(result)}`);
  return result;
}

const create = (streamId: string, events = [newEvent()]): AppendRequest => ({ streamId, expectedVersion: 0, events });

/**
 * Group commit (docs/design.md §11) against the real database: appends issued together share statements and
 * commits, and each still gets exactly the result it would get alone.
 */
describe('PostgresEventStore with group commit', () => {
  let db: TestDatabase;
  let pool: Pool;

  const versionsInCommitOrder = async (streamIds: readonly string[]): Promise<Map<string, number[]>> => {
    const { rows } = await pool.query<{ stream_id: string; version: string }>(
      `SELECT stream_id, version FROM event_store.events WHERE stream_id = ANY($1) ORDER BY transaction_id, global_position`,
      [streamIds],
    );
    const byStream = new Map<string, number[]>();
    for (const row of rows) byStream.set(row.stream_id, [...(byStream.get(row.stream_id) ?? []), Number(row.version)]);
    return byStream;
  };

  const countEvents = async (streamId: string): Promise<number> =>
    Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM event_store.events WHERE stream_id = $1`, [streamId])).rows[0]?.n);

  beforeAll(async () => {
    db = await createTestDatabase(eventStoreMigrations, EVENT_STORE_MIGRATIONS_TABLE);
    pool = testPool(db.url, 10);
  }, 30_000);

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('coalesces 200 concurrent appends to different streams into fewer commits, each with its own result', async () => {
    const store = new PostgresEventStore(pool, { groupCommit: { maxBatchesInFlight: 1 } });
    const streams = Array.from({ length: 200 }, () => uniqueStreamId('many'));
    const requests = streams.map((streamId, i) => create(streamId, newEvents(1 + (i % 3))));

    const results = (await Promise.all(requests.map((r) => store.append(r)))).map(appended);

    const stats = store.groupCommitStats();
    expect(stats.items).toBe(200);
    expect(stats.batches).toBeLessThan(200);
    expect(stats.largestBatch).toBeGreaterThan(1);
    expect(stats.fallbacks).toBe(0);
    results.forEach((result, i) => {
      const request = requests[i] as AppendRequest;
      expect(result.nextVersion).toBe(request.events.length);
      expect(result.events.map((e) => [e.streamId, e.eventId, e.version])).toEqual(
        request.events.map((e, v) => [request.streamId, e.eventId, v + 1]),
      );
    });
    const transactions = new Set(results.map((r) => r.events[0]?.transactionId));
    expect(transactions.size).toBe(stats.batches);
    const stored = await versionsInCommitOrder(streams);
    expect(streams.map((s) => stored.get(s))).toEqual(requests.map((r) => r.events.map((_, v) => v + 1)));
  });

  it('fails only the item whose expected version is stale; the rest of its batch commits', async () => {
    const store = new PostgresEventStore(pool, { groupCommit: { maxBatchesInFlight: 1 } });
    const [a, b, c] = [uniqueStreamId('a'), uniqueStreamId('b'), uniqueStreamId('c')];
    await Promise.all([a, b, c].map((s) => store.append(create(s))));
    const before = store.groupCommitStats().batches;

    const [ra, rb, rc, rd] = await Promise.all([
      store.append({ streamId: a, expectedVersion: 1, events: [newEvent()] }),
      store.append({ streamId: b, expectedVersion: 7, events: [newEvent()] }),
      store.append({ streamId: c, expectedVersion: 0, events: [newEvent()] }),
      store.append({ streamId: uniqueStreamId('never'), expectedVersion: 3, events: [newEvent()] }),
    ]);

    expect(store.groupCommitStats().batches - before).toBe(1);
    expect(appended(ra).nextVersion).toBe(2);
    expect(rb).toEqual({ kind: 'conflict', expectedVersion: 7 });
    expect(rc).toEqual({ kind: 'conflict', expectedVersion: 0 });
    expect(rd).toEqual({ kind: 'conflict', expectedVersion: 3 });
    expect([await countEvents(a), await countEvents(b), await countEvents(c)]).toEqual([2, 1, 1]);
  });

  it('answers a reused idempotency key for that item only, returning the first result byte for byte', async () => {
    const store = new PostgresEventStore(pool);
    const [first, reuse, other] = [uniqueStreamId('k1'), uniqueStreamId('k2'), uniqueStreamId('k3')];
    const key = `key-${first}`;
    // Key order and spacing must survive: the record is replayed as it was stored.
    const result = { z: 1, a: [2, { y: 'x' }] };
    appended(await store.append({ ...create(first), idempotency: { key, requestHash: 'h1', result } }));

    const [reused, fresh] = await Promise.all([
      store.append({ ...create(reuse), idempotency: { key, requestHash: 'h2', result: { other: true } } }),
      store.append({ ...create(other), idempotency: { key: `key-${other}`, requestHash: 'h3', result: 'plain' } }),
    ]);

    expect(reused).toEqual({ kind: 'idempotency-key-used', record: { requestHash: 'h1', result } });
    expect(JSON.stringify(reused.kind === 'idempotency-key-used' && reused.record.result)).toBe('{"z":1,"a":[2,{"y":"x"}]}');
    expect(appended(fresh).nextVersion).toBe(1);
    expect(await countEvents(reuse)).toBe(0);
    expect(await store.findIdempotencyRecord({ key: `key-${other}` })).toEqual({ requestHash: 'h3', result: 'plain' });
    expect(store.groupCommitStats().fallbacks).toBe(0);
  });

  it('runs appends to one stream issued together one after another, in the order they were issued', async () => {
    const store = new PostgresEventStore(pool);
    const streamId = uniqueStreamId('same');
    const others = Array.from({ length: 5 }, () => uniqueStreamId('beside'));

    const [r1, r2, r3, r4, ...rest] = await Promise.all([
      store.append(create(streamId)),
      store.append({ streamId, expectedVersion: 1, events: newEvents(2) }),
      store.append({ streamId, expectedVersion: 1, events: [newEvent()] }),
      store.append({ streamId, expectedVersion: 3, events: [newEvent()] }),
      ...others.map((s) => store.append(create(s))),
    ]);

    expect(appended(r1).nextVersion).toBe(1);
    expect(appended(r2).events.map((e) => e.version)).toEqual([2, 3]);
    expect(r3).toEqual({ kind: 'conflict', expectedVersion: 1 });
    expect(appended(r4).nextVersion).toBe(4);
    rest.forEach((r) => expect(appended(r).nextVersion).toBe(1));
    expect((await versionsInCommitOrder([streamId])).get(streamId)).toEqual([1, 2, 3, 4]);
  });

  it('lets exactly one of 50 concurrent appends at one expected version win', async () => {
    const store = new PostgresEventStore(pool);
    const streamId = uniqueStreamId('race');
    appended(await store.append(create(streamId)));

    const results = await Promise.all(
      Array.from({ length: 50 }, () => store.append({ streamId, expectedVersion: 1, events: newEvents(2) })),
    );

    expect(results.filter((r) => r.kind === 'appended')).toHaveLength(1);
    expect((await versionsInCommitOrder([streamId])).get(streamId)).toEqual([1, 2, 3]);
  });

  it("writes each item's snapshot in the batch, and none for an item that conflicted", async () => {
    const store = new PostgresEventStore(pool);
    const [a, b, c] = [uniqueStreamId('sa'), uniqueStreamId('sb'), uniqueStreamId('sc')];
    appended(await store.append(create(c)));
    const snapshot = (version: number, tag: string) => ({ version, schemaVersion: 1, state: { tag } });

    await Promise.all([
      store.append({ ...create(a, newEvents(2)), snapshot: snapshot(2, 'a') }),
      store.append({ ...create(b), snapshot: snapshot(1, 'b') }),
      store.append({ ...create(c), snapshot: snapshot(1, 'stale') }),
    ]);

    const reads = await Promise.all([a, b, c].map((s) => store.readStream(s, { snapshotSchemaVersion: 1 })));
    expect(reads.map((r) => [r.version, r.snapshot?.state ?? null, r.events.length])).toEqual([
      [2, { tag: 'a' }, 0],
      [1, { tag: 'b' }, 0],
      [1, null, 1],
    ]);
  });

  it('falls back to one by one when the batch statement fails, so only the bad item fails', async () => {
    const store = new PostgresEventStore(pool, { groupCommit: { maxBatchesInFlight: 1 } });
    const good = Array.from({ length: 4 }, () => uniqueStreamId('good'));
    const bad = uniqueStreamId('bad');
    const before = store.groupCommitStats();

    // jsonb cannot hold U+0000: the whole batch statement fails, then each item runs alone.
    const results = await Promise.allSettled([
      ...good.map((s) => store.append(create(s))),
      store.append(create(bad, [newEvent({ data: { bad: '\u0000' } })])),
    ]);

    const after = store.groupCommitStats();
    expect(after.batches - before.batches).toBe(1);
    expect(after.fallbacks - before.fallbacks).toBe(1);
    expect(results.slice(0, 4).map((r) => r.status === 'fulfilled' && r.value.kind)).toEqual(Array(4).fill('appended'));
    const failed = results[4];
    expect(failed?.status === 'rejected' && failed.reason).toBeInstanceOf(DatabaseError);
    expect(await countEvents(bad)).toBe(0);
    for (const s of good) expect(await countEvents(s)).toBe(1);
  });

  it('rejects an append JSON cannot encode on its own, before the statement, and commits the rest', async () => {
    const store = new PostgresEventStore(pool, { groupCommit: { maxBatchesInFlight: 1 } });
    const good = Array.from({ length: 3 }, () => uniqueStreamId('encodable'));
    const bad = uniqueStreamId('unencodable');
    const before = store.groupCommitStats();

    const results = await Promise.allSettled([
      ...good.map((s) => store.append(create(s))),
      store.append(create(bad, [newEvent({ data: { amount: 10n } as unknown as JsonObject })])),
    ]);

    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.kind : String(r.reason)))).toEqual([
      'appended',
      'appended',
      'appended',
      expect.stringMatching(/BigInt/),
    ]);
    expect(store.groupCommitStats().batches - before.batches).toBe(1);
    expect(store.groupCommitStats().fallbacks).toBe(before.fallbacks);
    expect(await countEvents(bad)).toBe(0);
  });

  it('falls back when a key in the batch is being committed by another transaction, and reports it as used', async () => {
    const store = new PostgresEventStore(pool, { groupCommit: { maxBatchesInFlight: 1 } });
    const holder = await pool.connect();
    const key = `held-${uniqueStreamId()}`;
    const [held, contender, bystander] = [uniqueStreamId('held'), uniqueStreamId('contender'), uniqueStreamId('bystander')];
    try {
      await holder.query('BEGIN');
      appended(await new PostgresEventStore(holder).append({ ...create(held), idempotency: { key, requestHash: 'first', result: 1 } }));
      const batch = Promise.all([
        store.append({ ...create(contender), idempotency: { key, requestHash: 'second', result: 2 } }),
        store.append(create(bystander)),
      ]);
      await waitForLockWait(pool, db.url);
      await holder.query('COMMIT');
      const [r1, r2] = await batch;

      expect(r1).toEqual({ kind: 'idempotency-key-used', record: { requestHash: 'first', result: 1 } });
      expect(appended(r2).nextVersion).toBe(1);
      expect(store.groupCommitStats().fallbacks).toBe(1);
      expect(await countEvents(contender)).toBe(0);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
  });

  it('runs a lone one-stream append as the one-stream statement, and appends that queued behind it as the batch statement', async () => {
    const onePool = testPool(db.url, 1);
    const prepared = async (): Promise<string[]> =>
      (await onePool.query<{ name: string }>(`SELECT name FROM pg_prepared_statements ORDER BY name`)).rows.map((r) => r.name);
    try {
      const store = new PostgresEventStore(onePool, { notify: false, groupCommit: { maxBatchesInFlight: 1 } });
      const lone = uniqueStreamId('lone');

      const alone = appended(await store.append(create(lone, newEvents(2))));

      expect(alone.events.map((e) => [e.streamId, e.version])).toEqual([
        [lone, 1],
        [lone, 2],
      ]);
      expect(await prepared()).toEqual(['event_store_append_create_nokey_nosnap_quiet']);

      const streams = Array.from({ length: 5 }, () => uniqueStreamId('queued'));
      const results = (await Promise.all(streams.map((s) => store.append(create(s))))).map(appended);

      expect(results.map((r) => r.events.map((e) => [e.streamId, e.version]))).toEqual(streams.map((s) => [[s, 1]]));
      expect(await prepared()).toEqual(['event_store_append_batch_quiet', 'event_store_append_create_nokey_nosnap_quiet']);
      expect(store.groupCommitStats()).toMatchObject({ items: 6, fallbacks: 0 });
      expect(store.groupCommitStats().largestBatch).toBeGreaterThan(1);
    } finally {
      await onePool.end();
    }
  });

  it('appends one by one on a single session, and when group commit is off', async () => {
    const session = await pool.connect();
    try {
      const onSession = new PostgresEventStore(session);
      const off = new PostgresEventStore(pool, { groupCommit: false });

      await Promise.all([onSession.append(create(uniqueStreamId())), onSession.append(create(uniqueStreamId()))]);
      const results = await Promise.all([off.append(create(uniqueStreamId())), off.append(create(uniqueStreamId()))]);

      expect(results.map((r) => r.kind)).toEqual(['appended', 'appended']);
      expect(onSession.groupCommitStats()).toEqual({ batches: 0, items: 0, largestBatch: 0, fallbacks: 0 });
      expect(off.groupCommitStats()).toEqual({ batches: 0, items: 0, largestBatch: 0, fallbacks: 0 });
      expect(new Set(results.map((r) => r.kind === 'appended' && r.events[0]?.transactionId)).size).toBe(2);
    } finally {
      session.release();
    }
  });

  it(
    'given three stores (as replicas) appending to overlapping streams in random orders, then no deadlock, ' +
      'and per stream commit (xid) order equals version order',
    async () => {
      const stores = [1, 2, 3].map(() => new PostgresEventStore(pool, { groupCommit: { maxBatchesInFlight: 2 } }));
      const streams = Array.from({ length: 40 }, () => uniqueStreamId('overlap'));
      const deadline = Date.now() + 4_000;
      let appendedEvents = 0;
      let conflicts = 0;

      const writer = async (store: PostgresEventStore): Promise<void> => {
        while (Date.now() < deadline) {
          const streamId = streams[Math.floor(Math.random() * streams.length)] as string;
          const { version } = await store.readStream(streamId, { snapshotSchemaVersion: 1 });
          const keyed = Math.random() < 0.2;
          const result = await store.append({
            streamId,
            expectedVersion: version,
            events: newEvents(1 + Math.floor(Math.random() * 2)),
            ...(keyed ? { idempotency: { key: `k-${streamId}-${version}-${Math.random()}`, requestHash: 'h', result: null } } : {}),
            ...(version % 5 === 0 ? { snapshot: { version: version + 1, schemaVersion: 1, state: { v: version } } } : {}),
          });
          if (result.kind === 'appended') appendedEvents += result.events.length;
          else if (result.kind === 'conflict') conflicts += 1;
          else throw new Error(`unexpected ${result.kind}`);
        }
      };
      await Promise.all(stores.flatMap((store) => Array.from({ length: 16 }, () => writer(store))));

      const stats = stores.map((s) => s.groupCommitStats());
      // A deadlock would surface as a failed batch and a fall-back.
      expect(stats.map((s) => s.fallbacks)).toEqual([0, 0, 0]);
      expect(stats.every((s) => s.largestBatch > 1)).toBe(true);
      expect(conflicts).toBeGreaterThan(0);
      const byStream = await versionsInCommitOrder(streams);
      expect([...byStream.values()].reduce((n, v) => n + v.length, 0)).toBe(appendedEvents);
      for (const versions of byStream.values()) {
        expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
      }
    },
    60_000,
  );
});

/** Until a backend of this database waits on a lock (the batch blocked on the held key). */
async function waitForLockWait(pool: Pool, url: string): Promise<void> {
  const database = new URL(url).pathname.slice(1);
  await eventually(
    async () =>
      (await pool.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [database])).rowCount !== 0,
    20_000,
    'a backend waiting on a lock',
  );
}
