import { createTestDatabase, TestDatabase } from '@ledger/testing';
import { DataSource } from 'typeorm';
import { EVENT_STORE_MIGRATIONS_TABLE } from '../event-store.migrations';
import { CreateEventStore1767225600000 } from './1767225600000-create-event-store.migration';
import { IdempotencyResult1795824000000 } from './1795824000000-idempotency-result.migration';

/** Rows written before the migration keep their response, folded into the opaque result. */
describe('IdempotencyResult1795824000000', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase([CreateEventStore1767225600000], EVENT_STORE_MIGRATIONS_TABLE);
    dataSource = new DataSource({
      type: 'postgres',
      url: db.url,
      migrations: [CreateEventStore1767225600000, IdempotencyResult1795824000000],
      migrationsTableName: EVENT_STORE_MIGRATIONS_TABLE,
      logging: false,
    });
    await dataSource.initialize();
    await dataSource.query(
      `INSERT INTO event_store.idempotency_keys (key, request_hash, response_status, response_body, stream_id)
       VALUES ('old-key', 'hash', 201, '{"zeta":1,"alpha":{"b":"x","a":null}}', 's-1')`,
    );
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  const columns = async (): Promise<string[]> =>
    (
      await dataSource.query(
        `SELECT column_name || ':' || data_type AS c FROM information_schema.columns
          WHERE table_schema = 'event_store' AND table_name = 'idempotency_keys' ORDER BY column_name`,
      )
    ).map((row: { c: string }) => row.c);

  it('folds status and body into one json result, byte for byte, and drops the old columns', async () => {
    const ran = await dataSource.runMigrations({ transaction: 'each' });

    expect(ran.map((m) => m.name)).toEqual(['IdempotencyResult1795824000000']);
    const rows = await dataSource.query(`SELECT request_hash, result::text AS result FROM event_store.idempotency_keys`);
    expect(rows).toEqual([{ request_hash: 'hash', result: '{"status":201,"body":{"zeta":1,"alpha":{"b":"x","a":null}}}' }]);
    expect(await columns()).toEqual([
      'created_at:timestamp with time zone',
      'key:text',
      'request_hash:text',
      'result:json',
      'stream_id:text',
    ]);
    await expect(
      dataSource.query(`INSERT INTO event_store.idempotency_keys (key, request_hash, stream_id) VALUES ('k2', 'h', 's')`),
    ).rejects.toMatchObject({ code: '23502' });
  });

  it('splits the result back into status and body when undone', async () => {
    await dataSource.undoLastMigration({ transaction: 'each' });

    const rows = await dataSource.query(`SELECT response_status, response_body::text AS body FROM event_store.idempotency_keys`);
    expect(rows).toEqual([{ response_status: 201, body: '{"zeta":1,"alpha":{"b":"x","a":null}}' }]);
    expect(await columns()).toContain('response_body:json');
    expect(await columns()).not.toContain('result:json');
  });
});
