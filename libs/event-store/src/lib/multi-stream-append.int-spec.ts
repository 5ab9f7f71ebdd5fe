import { DATABASE_ROLES } from '@ledger/platform';
import { asRole, databaseSuite, testPool } from '@ledger/testing';
import type { Pool } from 'pg';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from './event-store.migrations';
import type { AppendResult, MultiStreamAppendResult, StreamAppend } from './event-store.port';
import { PostgresEventStore } from './postgres-event-store';
import { listenForAppended } from './testing/appended-notifications';
import { newEvent, newEvents, uniqueStreamId } from './testing/event.fixture';

const SNAPSHOTS = { snapshotSchemaVersion: 1 };
const ROUNDS = 40;

/** One request of a round: several streams at once, or a single stream through group commit. */
type Attempt = { readonly kind: 'streams'; readonly streamIds: readonly string[] } | { readonly kind: 'single'; readonly streamId: string };

type Outcome = MultiStreamAppendResult | AppendResult;

/** Every stream a shape names, in the order given (deliberately not sorted). */
function streamsOf(attempt: Attempt): readonly string[] {
  return attempt.kind === 'streams' ? attempt.streamIds : [attempt.streamId];
}

describe('PostgresEventStore.appendStreams under concurrency, with group commit', () => {
  const db = databaseSuite({ migrations: eventStoreMigrations, migrationsTable: EVENT_STORE_MIGRATIONS_TABLE, poolSize: 8, session: true });
  let second: Pool;

  beforeAll(() => {
    second = testPool(db.url, 8);
  });

  afterAll(async () => {
    await second?.end();
  });

  it('never deadlocks on opposite and overlapping requests; each appends or conflicts, and versions add up', async () => {
    // Two stores on two pools: two command replicas, each with its own group commit.
    const replicas = [new PostgresEventStore(db.pool), new PostgresEventStore(second)];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((p) => uniqueStreamId(p)) as [string, string, string, string];
    const all = [a, b, c, d];
    for (const streamId of all) await replicas[0]?.append({ streamId, expectedVersion: 0, events: [newEvent()] });
    // Each round fires these at once, all at the versions read before it: opposite transfers, three-stream
    // requests sharing their streams in every order, and plain appends batched beside them.
    const shapes: Attempt[] = [
      { kind: 'streams', streamIds: [a, b] },
      { kind: 'streams', streamIds: [b, a] },
      { kind: 'streams', streamIds: [c, d] },
      { kind: 'streams', streamIds: [d, c] },
      { kind: 'streams', streamIds: [a, c, b] },
      { kind: 'streams', streamIds: [d, b, c] },
      { kind: 'streams', streamIds: [b, d, a] },
      { kind: 'single', streamId: a },
      { kind: 'single', streamId: d },
    ];
    const appendedEvents = new Map<string, number>(all.map((s) => [s, 1]));
    let won = 0;
    let conflicted = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const versions = new Map<string, number>();
      for (const streamId of all)
        versions.set(
          streamId,
          (await db.pool.query(`SELECT version FROM event_store.streams WHERE stream_id = $1`, [streamId])).rows[0]?.version,
        );
      const at = (streamId: string): number => Number(versions.get(streamId));
      // A different rotation each round, so every shape meets every other first.
      const fired = shapes.map((_, i) => shapes[(i + round) % shapes.length] as Attempt);
      const settled = await Promise.allSettled(
        fired.map((attempt, i): Promise<Outcome> => {
          const store = replicas[i % replicas.length] as PostgresEventStore;
          const count = 1 + ((i + round) % 2);
          if (attempt.kind === 'single')
            return store.append({ streamId: attempt.streamId, expectedVersion: at(attempt.streamId), events: newEvents(count) });
          const streams: StreamAppend[] = attempt.streamIds.map((streamId) => ({
            streamId,
            expectedVersion: at(streamId),
            events: newEvents(count),
          }));
          return store.appendStreams({ streams });
        }),
      );

      const failures = settled.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
      expect(failures).toEqual([]); // a deadlock (40P01) or any other error fails here
      const touched = new Map<string, number>();
      settled.forEach((s, i) => {
        const outcome = (s as PromiseFulfilledResult<Outcome>).value;
        const attempt = fired[i] as Attempt;
        expect(['appended', 'conflict']).toContain(outcome.kind);
        if (outcome.kind !== 'appended') {
          conflicted += 1;
          return;
        }
        won += 1;
        const events = 'streams' in outcome ? outcome.streams.flatMap((st) => st.events) : outcome.events;
        expect(new Set(events.map((e) => e.transactionId)).size).toBe(1);
        for (const streamId of streamsOf(attempt)) {
          const mine = events.filter((e) => e.streamId === streamId);
          expect(mine.map((e) => e.version)).toEqual(mine.map((_, k) => at(streamId) + k + 1));
          touched.set(streamId, (touched.get(streamId) ?? 0) + 1);
          appendedEvents.set(streamId, (appendedEvents.get(streamId) ?? 0) + mine.length);
        }
      });
      // Everything in a round expected the same versions: at most one winner per stream.
      for (const winners of touched.values()) expect(winners).toBe(1);
      // Streams are shared by every shape, so each round someone wins.
      expect(touched.size).toBeGreaterThan(0);
    }

    expect(won + conflicted).toBe(ROUNDS * shapes.length);
    for (const streamId of all) {
      const read = await replicas[0]?.readStream(streamId, { ...SNAPSHOTS, ignoreSnapshot: true });
      const count = appendedEvents.get(streamId) ?? 0;
      expect(read?.version).toBe(count);
      expect(read?.events.map((e) => e.version)).toEqual(Array.from({ length: count }, (_, k) => k + 1));
    }
    // The relay reads in (transaction id, position) order: per stream, that is version order.
    const { rows } = await db.pool.query<{ stream_id: string; version: string }>(
      `SELECT stream_id, version FROM event_store.events WHERE stream_id = ANY($1) ORDER BY transaction_id, global_position`,
      [all],
    );
    for (const streamId of all) {
      const inCommitOrder = rows.filter((r) => r.stream_id === streamId).map((r) => Number(r.version));
      expect(inCommitOrder).toEqual(Array.from({ length: appendedEvents.get(streamId) ?? 0 }, (_, k) => k + 1));
    }
  }, 60_000);

  it('shares batches: each transfer-shaped request commits or fails whole, beside the others', async () => {
    const store = new PostgresEventStore(db.pool, { notify: false });
    const accounts = Array.from({ length: 40 }, () => uniqueStreamId('acct'));
    for (const streamId of accounts) await store.append({ streamId, expectedVersion: 0, events: [newEvent()] });
    const taken = uniqueStreamId('taken');
    await store.append({ streamId: taken, expectedVersion: 0, events: [newEvent()] });
    // Twenty "transfers", each a new stream and two accounts at version 1; two of them must fail whole:
    // one on a stale account version, one on a new stream that already exists.
    const requests = Array.from({ length: 20 }, (_, n) => ({
      streams: [
        { streamId: n === 7 ? taken : uniqueStreamId('transfer'), expectedVersion: 0, events: [newEvent()] },
        { streamId: accounts[2 * n] as string, expectedVersion: 1, events: [newEvent()] },
        { streamId: accounts[2 * n + 1] as string, expectedVersion: n === 3 ? 2 : 1, events: [newEvent()] },
      ],
      idempotency: { key: `batched-${n}-${taken}`, requestHash: 'h', result: { n } },
    }));
    const before = store.groupCommitStats();

    const results = await Promise.all(requests.map((request) => store.appendStreams(request)));

    const stats = store.groupCommitStats();
    expect(stats.batches - before.batches).toBeLessThan(requests.length);
    expect(stats.fallbacks).toBe(before.fallbacks);
    results.forEach((result, n) => {
      if (n === 3) expect(result).toEqual({ kind: 'conflict', streamId: accounts[7], expectedVersion: 2 });
      else if (n === 7) expect(result).toEqual({ kind: 'conflict', streamId: taken, expectedVersion: 0 });
      else expect(result.kind).toBe('appended');
    });
    const versions = await Promise.all(accounts.map(async (streamId) => (await store.readStream(streamId, SNAPSHOTS)).version));
    expect(versions).toEqual(accounts.map((_, a) => ([3, 7].includes(Math.floor(a / 2)) ? 1 : 2)));
    expect((await store.readStream(taken, SNAPSHOTS)).version).toBe(1);
    // A refused request wrote no key either: the same request again, at the right versions, appends.
    const again = await store.appendStreams({
      ...requests[3],
      streams:
        requests[3]?.streams.map((s) => ({
          ...s,
          expectedVersion: s.expectedVersion === 2 ? 1 : s.expectedVersion,
          events: [newEvent()],
        })) ?? [],
    });
    expect(again.kind).toBe('appended');
    const replayed = await store.appendStreams(requests[0] as (typeof requests)[number]);
    expect(replayed).toEqual({ kind: 'idempotency-key-used', record: { requestHash: 'h', result: { n: 0 } } });
  });

  it('lets one of two replicas create the same new stream at once; the other is refused without a fallback', async () => {
    const replicas = [new PostgresEventStore(db.pool, { notify: false }), new PostgresEventStore(second, { notify: false })];
    for (let round = 0; round < 20; round++) {
      const [from, to, transfer] = [uniqueStreamId('from'), uniqueStreamId('to'), uniqueStreamId('transfer')];
      for (const streamId of [from, to]) await replicas[0]?.append({ streamId, expectedVersion: 0, events: [newEvent()] });
      const request = (): Parameters<PostgresEventStore['appendStreams']>[0] => ({
        streams: [
          { streamId: transfer, expectedVersion: 0, events: [newEvent()] },
          { streamId: from, expectedVersion: 1, events: [newEvent()] },
          { streamId: to, expectedVersion: 1, events: [newEvent()] },
        ],
      });
      const results = await Promise.all(replicas.map((store) => store.appendStreams(request())));
      expect(results.map((r) => r.kind).sort()).toEqual(['appended', 'conflict']);
      for (const streamId of [transfer, from, to])
        expect((await replicas[0]?.readStream(streamId, SNAPSHOTS))?.version).toBe(streamId === transfer ? 1 : 2);
    }
    expect(replicas.map((store) => store.groupCommitStats().fallbacks)).toEqual([0, 0]);
  });

  it('notifies once the request commits, naming its first stream, and never for a conflict', async () => {
    const store = new PostgresEventStore(db.pool, { notifyMinIntervalMs: 0 });
    const listener = await db.pool.connect();
    const [first, second, refused] = [uniqueStreamId('n1'), uniqueStreamId('n2'), uniqueStreamId('n3')];
    try {
      const { received, arrived } = await listenForAppended(listener, first);

      const opened = await store.appendStreams({
        streams: [first, second].map((streamId) => ({ streamId, expectedVersion: 0, events: [newEvent()] })),
      });
      const conflicted = await store.appendStreams({
        streams: [
          { streamId: refused, expectedVersion: 0, events: [newEvent()] },
          { streamId: first, expectedVersion: 0, events: [newEvent()] },
        ],
      });
      await arrived;
      await listener.query('SELECT 1');

      expect(opened.kind).toBe('appended');
      expect(conflicted).toEqual({ kind: 'conflict', streamId: first, expectedVersion: 0 });
      expect(received.filter((p) => [first, second, refused].includes(p))).toEqual([first]);
    } finally {
      await listener.query('UNLISTEN *');
      listener.release();
    }
  });

  it('runs on a single session too, which a conflict or a used key leaves outside any transaction', async () => {
    const onSession = new PostgresEventStore(db.session, { notify: false });
    const onPool = new PostgresEventStore(db.pool, { notify: false });
    const [x, y] = [uniqueStreamId('x'), uniqueStreamId('y')];
    const key = `session-${x}`;
    const both = (version: number): StreamAppend[] =>
      [x, y].map((streamId) => ({ streamId, expectedVersion: version, events: [newEvent()] }));

    expect((await onSession.appendStreams({ streams: both(0), idempotency: { key, requestHash: 'h', result: 1 } })).kind).toBe('appended');
    expect((await onSession.appendStreams({ streams: both(0) })).kind).toBe('conflict');
    expect((await onSession.appendStreams({ streams: both(1), idempotency: { key, requestHash: 'h', result: 2 } })).kind).toBe(
      'idempotency-key-used',
    );
    // A single append runs as its own statement: inside a transaction left open it would stay unseen.
    const z = uniqueStreamId('z');
    expect((await onSession.append({ streamId: z, expectedVersion: 0, events: [newEvent()] })).kind).toBe('appended');
    expect((await onPool.readStream(z, SNAPSHOTS)).version).toBe(1);
    expect((await onSession.appendStreams({ streams: both(1) })).kind).toBe('appended');

    for (const streamId of [x, y]) expect((await onPool.readStream(streamId, SNAPSHOTS)).version).toBe(2);
  });

  it('runs as the command role, sets and clears deadlines, and the relay role cannot read them', async () => {
    const { command, relay } = DATABASE_ROLES;
    const asCommand = testPool(asRole(db.url, command), 2);
    const asRelay = testPool(asRole(db.url, relay), 1);
    try {
      const store = new PostgresEventStore(asCommand);
      const [held, other] = [uniqueStreamId('held'), uniqueStreamId('other')];
      const dueAt = new Date('1970-01-02T00:00:00.000Z');

      const opened = await store.appendStreams({
        streams: [held, other].map((streamId) => ({ streamId, expectedVersion: 0, events: [newEvent()] })),
        idempotency: { key: `roles-${held}`, requestHash: 'h', result: { ok: true } },
        deadlines: [{ streamId: held, dueAt }],
      });
      expect(opened.kind).toBe('appended');
      expect(await store.dueStreams(new Date('1970-01-03T00:00:00Z'), 10)).toEqual([{ streamId: held, dueAt }]);

      const cleared = await store.appendStreams({
        streams: [{ streamId: held, expectedVersion: 1, events: [newEvent()] }],
        deadlines: [{ streamId: held, dueAt: null }],
      });
      expect(cleared.kind).toBe('appended');
      expect(await store.dueStreams(new Date('1970-01-03T00:00:00Z'), 10)).toEqual([]);
      await expect(asRelay.query(`SELECT count(*) FROM event_store.stream_deadlines`)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await asCommand.end();
      await asRelay.end();
    }
  });
});
