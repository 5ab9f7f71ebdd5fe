import { createTestDatabase, TestDatabase } from '@ledger/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from './event-store.migrations';

const TABLES = ['events', 'idempotency_keys', 'relay_checkpoints', 'snapshots', 'stream_deadlines', 'streams'];

describe('event store migrations', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  const tables = async (): Promise<string[]> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'event_store' ORDER BY table_name`,
      );
      return rows.map((r) => r.table_name);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase(eventStoreMigrations, EVENT_STORE_MIGRATIONS_TABLE);
    dataSource = new DataSource({
      type: 'postgres',
      url: db.url,
      migrations: [...eventStoreMigrations],
      migrationsTableName: EVENT_STORE_MIGRATIONS_TABLE,
      logging: false,
    });
    await dataSource.initialize();
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  it('creates the event store tables', async () => {
    expect(await tables()).toEqual(TABLES);
  });

  it('records itself in public.event_store_migrations', async () => {
    const rows = await dataSource.query(`SELECT name FROM public.event_store_migrations`);
    expect(rows).toEqual(eventStoreMigrations.map((migration) => ({ name: new migration().name })));
  });

  it('does nothing when run a second time', async () => {
    const ran = await dataSource.runMigrations({ transaction: 'each' });

    expect(ran).toEqual([]);
    expect(await tables()).toEqual(TABLES);
  });

  it('undoes every migration, then applies them again', async () => {
    for (let i = 0; i < eventStoreMigrations.length; i++) {
      await dataSource.undoLastMigration({ transaction: 'each' });
    }
    const schema = await dataSource.query(`SELECT 1 FROM information_schema.schemata WHERE schema_name = 'event_store'`);
    expect(schema).toEqual([]);
    expect(await dataSource.query(`SELECT name FROM public.event_store_migrations`)).toEqual([]);

    const ran = await dataSource.runMigrations({ transaction: 'each' });

    expect(ran.map((m) => m.name)).toEqual(eventStoreMigrations.map((migration) => new migration().name));
    expect(await tables()).toEqual(TABLES);
  });
});
