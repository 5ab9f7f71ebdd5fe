import { createTestDatabase, TestDatabase } from '@ledger/testing';
import { DataSource } from 'typeorm';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from '../event-store.migrations';
import { IdempotencyOutcome1796200000000 } from './1796200000000-idempotency-outcome.migration';

/** A key stored as a rendered response before outcomes were recorded still names what it appended. */
describe('IdempotencyOutcome1796200000000', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const before = eventStoreMigrations.filter((m) => m !== IdempotencyOutcome1796200000000);

  beforeAll(async () => {
    db = await createTestDatabase(before, EVENT_STORE_MIGRATIONS_TABLE);
    dataSource = new DataSource({
      type: 'postgres',
      url: db.url,
      migrations: [...eventStoreMigrations],
      migrationsTableName: EVENT_STORE_MIGRATIONS_TABLE,
      logging: false,
    });
    await dataSource.initialize();
    await dataSource.query(
      `INSERT INTO event_store.idempotency_keys (key, scope, request_hash, result, stream_id)
       VALUES ('old-key', 'alice', 'hash',
               '{"status":201,"body":{"accountId":"s-1","version":7,"balance":5,"status":"ACTIVE","events":[{"eventId":"e","type":"MoneyDeposited","version":7}]}}',
               's-1')`,
    );
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  it('rewrites a rendered response as the accepted outcome it stood for: the version and how many events', async () => {
    const ran = await dataSource.runMigrations({ transaction: 'each' });

    expect(ran.map((m) => m.name)).toEqual(['IdempotencyOutcome1796200000000']);
    const rows = await dataSource.query(`SELECT request_hash, result::text AS result FROM event_store.idempotency_keys`);
    expect(rows).toEqual([{ request_hash: 'hash', result: '{"outcome" : "accepted", "version" : 7, "eventCount" : 1}' }]);
  });

  it('refuses to be undone while keys are stored, and changes nothing', async () => {
    await expect(dataSource.undoLastMigration({ transaction: 'each' })).rejects.toThrow(/idempotency keys are stored/);

    expect(await dataSource.query(`SELECT count(*)::int AS n FROM event_store.idempotency_keys`)).toEqual([{ n: 1 }]);
  });
});
