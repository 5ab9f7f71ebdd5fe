import { createTestDatabase, TestDatabase, testPool } from '@ledger/testing';
import { Pool } from 'pg';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from './event-store.migrations';
import { AppendRequest } from './event-store.port';
import { pruneIdempotencyKeysBatch } from './idempotency-keys.pruning';
import { PostgresEventStore } from './postgres-event-store';
import { newEvent, uniqueStreamId } from './testing/event.fixture';

const result = { status: 201, body: { ok: true } };

/** Keys per scope, and their pruning once retention has passed, on a database of this suite's own. */
describe('idempotency keys', () => {
  let db: TestDatabase;
  let pool: Pool;

  const keyRows = async (): Promise<{ scope: string; key: string }[]> =>
    (await pool.query<{ scope: string; key: string }>(`SELECT scope, key FROM event_store.idempotency_keys ORDER BY scope, key`)).rows;

  const ageKeys = (keys: string[], seconds: number) =>
    pool.query(`UPDATE event_store.idempotency_keys SET created_at = now() - make_interval(secs => $2) WHERE key = ANY($1)`, [
      keys,
      seconds,
    ]);

  const create = (key: string, scope?: string, streamId = uniqueStreamId()): AppendRequest => ({
    streamId,
    expectedVersion: 0,
    events: [newEvent()],
    idempotency: { key, scope, requestHash: 'h', result },
  });

  beforeAll(async () => {
    db = await createTestDatabase(eventStoreMigrations, EVENT_STORE_MIGRATIONS_TABLE);
    pool = testPool(db.url, 8);
  });

  beforeEach(async () => {
    await pool.query(`TRUNCATE event_store.idempotency_keys`);
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  describe.each([
    ['one by one', false],
    ['with group commit', true],
  ])('per scope, appending %s', (_label, groupCommit) => {
    it('given one key sent in two scopes at once, when both append, then both are stored: they are two keys', async () => {
      const store = new PostgresEventStore(pool, { groupCommit });

      const [ada, eve] = await Promise.all([store.append(create('same', 'user-ada')), store.append(create('same', 'user-eve'))]);

      expect([ada.kind, eve.kind]).toEqual(['appended', 'appended']);
      expect(await keyRows()).toEqual([
        { scope: 'user-ada', key: 'same' },
        { scope: 'user-eve', key: 'same' },
      ]);
    });

    it('given a key used in a scope, when the same scope uses it again, then nothing is appended and the record is returned', async () => {
      const store = new PostgresEventStore(pool, { groupCommit });
      const streamId = uniqueStreamId();
      expect((await store.append(create('k', 'user-ada', streamId))).kind).toBe('appended');

      const again = await store.append({ ...create('k', 'user-ada'), streamId, expectedVersion: 1 });

      expect(again).toEqual({ kind: 'idempotency-key-used', record: { requestHash: 'h', result } });
      expect(await store.findIdempotencyRecord({ key: 'k', scope: 'user-ada' })).toEqual({ requestHash: 'h', result });
      expect(await store.findIdempotencyRecord({ key: 'k', scope: 'user-eve' })).toBeNull();
    });
  });

  it('given a key without a scope, then it is stored in the empty scope and found only there', async () => {
    const store = new PostgresEventStore(pool);
    await store.append(create('unscoped'));

    expect(await keyRows()).toEqual([{ scope: '', key: 'unscoped' }]);
    expect(await store.findIdempotencyRecord({ key: 'unscoped', scope: 'user-ada' })).toBeNull();
  });

  it('refuses a scope longer than 255 characters before it reaches the database', async () => {
    const store = new PostgresEventStore(pool);

    await expect(store.append(create('k', 'x'.repeat(256)))).rejects.toThrow(/scope/);
    expect(await keyRows()).toEqual([]);
  });

  describe('pruning', () => {
    it('deletes expired keys in batches of at most batchSize, oldest first, and keeps the rest', async () => {
      const store = new PostgresEventStore(pool);
      const keys = ['k1', 'k2', 'k3', 'k4', 'k5', 'fresh'];
      for (const key of keys) await store.append(create(key, 'user-ada'));
      await ageKeys(['k1', 'k2', 'k3', 'k4', 'k5'], 7200);
      await ageKeys(['k1'], 9000);

      const first = await pruneIdempotencyKeysBatch(pool, { olderThanSeconds: 3600, batchSize: 2 });
      const afterFirst = (await keyRows()).map((r) => r.key);
      const second = await pruneIdempotencyKeysBatch(pool, { olderThanSeconds: 3600, batchSize: 2 });
      const third = await pruneIdempotencyKeysBatch(pool, { olderThanSeconds: 3600, batchSize: 2 });
      const fourth = await pruneIdempotencyKeysBatch(pool, { olderThanSeconds: 3600, batchSize: 2 });

      expect([first, second, third, fourth]).toEqual([2, 2, 1, 0]);
      expect(afterFirst).toHaveLength(4);
      expect(afterFirst).not.toContain('k1');
      expect(await keyRows()).toEqual([{ scope: 'user-ada', key: 'fresh' }]);
    });

    it('given an expired key pruned, when a new request uses it, then it appends anew', async () => {
      const store = new PostgresEventStore(pool);
      const streamId = uniqueStreamId();
      expect((await store.append(create('reused', 'user-ada', streamId))).kind).toBe('appended');
      await ageKeys(['reused'], 90_000);

      expect(await pruneIdempotencyKeysBatch(pool, { olderThanSeconds: 86_400, batchSize: 1000 })).toBe(1);
      const again = await store.append({ ...create('reused', 'user-ada'), streamId, expectedVersion: 1 });

      expect(again).toMatchObject({ kind: 'appended', nextVersion: 2 });
    });

    it('given several pruners at once, then each expired key is deleted exactly once and none fails', async () => {
      const store = new PostgresEventStore(pool);
      const keys = Array.from({ length: 40 }, (_, i) => `old-${i}`);
      await Promise.all(keys.map((key) => store.append(create(key, 'user-ada'))));
      await ageKeys(keys, 7200);

      const pruneAll = async (): Promise<number> => {
        let total = 0;
        for (;;) {
          const deleted = await pruneIdempotencyKeysBatch(pool, { olderThanSeconds: 3600, batchSize: 3 });
          total += deleted;
          if (deleted === 0) return total;
        }
      };
      const totals = await Promise.all([pruneAll(), pruneAll(), pruneAll()]);

      expect(totals.reduce((a, b) => a + b, 0)).toBe(40);
      expect(await keyRows()).toEqual([]);
    });

    it.each([
      ['a negative age', { olderThanSeconds: -1, batchSize: 1 }],
      ['a zero batch', { olderThanSeconds: 1, batchSize: 0 }],
    ])('refuses %s', async (_label, batch) => {
      await expect(pruneIdempotencyKeysBatch(pool, batch)).rejects.toThrow();
    });
  });

  it("keeps an event's actor in its metadata as given", async () => {
    const store = new PostgresEventStore(pool);
    const streamId = uniqueStreamId();
    const actor = { sub: 'user-ada', clientId: 'web' };
    await store.append({
      streamId,
      expectedVersion: 0,
      events: [newEvent({ metadata: { correlationId: 'c', causationId: null, actor } })],
    });

    const read = await store.readStream(streamId, { snapshotSchemaVersion: 1 });

    expect(read.events[0]?.metadata).toEqual({ correlationId: 'c', causationId: null, actor });
  });
});
