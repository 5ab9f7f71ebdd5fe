import { createTestDatabase, TestDatabase, testPool } from '@ledger/testing';
import { Pool } from 'pg';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from './event-store.migrations';
import { PostgresEventStore } from './postgres-event-store';
import { newEvent, uniqueStreamId } from './testing/event.fixture';

const WRITERS = 32;
const STREAMS = 4;
const DURATION_MS = 5_000;

/**
 * docs/design.md §5: the relay reads in (transaction_id, global_position) order, so per stream that order must
 * be the version order. Many writers race on few streams; afterwards every stream must read back
 * 1..n in xid order, with no gap and no duplicate.
 */
describe('append ordering under contention', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase(eventStoreMigrations, EVENT_STORE_MIGRATIONS_TABLE);
    pool = testPool(db.url, WRITERS);
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it(
    'keeps xid order equal to version order on every stream',
    async () => {
      const store = new PostgresEventStore(pool);
      const streams = Array.from({ length: STREAMS }, () => uniqueStreamId('contended'));
      const deadline = Date.now() + DURATION_MS;
      let appendedCount = 0;
      let conflicts = 0;

      const writer = async (w: number): Promise<void> => {
        for (let i = 0; Date.now() < deadline; i++) {
          const streamId = streams[(w + i) % STREAMS] ?? '';
          const { version } = await store.readStream(streamId, { snapshotSchemaVersion: 1 });
          // Every fifth append carries a key and two events, so every statement shape is exercised.
          const keyed = i % 5 === 0;
          const result = await store.append({
            streamId,
            expectedVersion: version,
            events: keyed ? [newEvent(), newEvent()] : [newEvent()],
            ...(keyed ? { idempotency: { key: `w${w}-${i}`, requestHash: 'h', result: { status: 201, body: {} } } } : {}),
          });
          if (result.kind === 'appended') appendedCount += result.events.length;
          else if (result.kind === 'conflict') conflicts += 1;
          else throw new Error(`unexpected ${result.kind}`);
        }
      };
      await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));

      const { rows } = await pool.query<{ stream_id: string; version: string }>(
        `SELECT stream_id, version FROM event_store.events ORDER BY transaction_id, global_position`,
      );
      const byStream = new Map<string, number[]>();
      for (const row of rows) {
        byStream.set(row.stream_id, [...(byStream.get(row.stream_id) ?? []), Number(row.version)]);
      }

      expect(rows).toHaveLength(appendedCount);
      expect(conflicts).toBeGreaterThan(0); // the test only means something if writers really raced
      expect([...byStream.keys()].sort()).toEqual([...streams].sort());
      for (const versions of byStream.values()) {
        expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
      }
      for (const streamId of streams) {
        const stream = await pool.query<{ version: string }>(`SELECT version FROM event_store.streams WHERE stream_id = $1`, [streamId]);
        expect(Number(stream.rows[0]?.version)).toBe(byStream.get(streamId)?.length);
      }
    },
    DURATION_MS + 30_000,
  );
});
