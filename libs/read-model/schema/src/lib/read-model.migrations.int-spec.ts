import { databaseSuite } from '@ledger/testing';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from './read-model.migrations';

describe('read-model migrations', () => {
  const db = databaseSuite({ migrations: readModelMigrations, migrationsTable: READ_MODEL_MIGRATIONS_TABLE, poolSize: 1, session: true });

  it('creates the read_model schema and its tables, and records the migrations', async () => {
    const client = db.session;
    const schema = await client.query(`SELECT 1 FROM information_schema.schemata WHERE schema_name = 'read_model'`);
    const applied = await client.query(`SELECT name FROM ${READ_MODEL_MIGRATIONS_TABLE}`);
    expect(schema.rowCount).toBe(1);
    expect(applied.rows.map((r) => r.name)).toEqual([
      'CreateReadModelSchema1767225600100',
      'CreateReadModelTables1767225600200',
      'MessageDigestKeys1795831200000',
      'ReadModelRoles1796000000100',
      'AccountOwnerId1796100000000',
      'Transfers1796300000000',
      'ParkedTransfers1796300000100',
    ]);
    const tables = await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'read_model' ORDER BY 1`);
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'account_transactions',
      'accounts',
      'dead_letters',
      'operator_actions',
      'parked_accounts',
      'parked_events',
      'parked_transfer_events',
      'parked_transfers',
      'processed_events',
      'transfer_legs',
      'transfer_states',
      'transfers',
    ]);
  });

  it('gives accounts a nullable owner id, indexed for listing by owner id in the stable order', async () => {
    const column = await db.session.query(
      `SELECT data_type, is_nullable FROM information_schema.columns
        WHERE table_schema = 'read_model' AND table_name = 'accounts' AND column_name = 'owner_id'`,
    );
    const index = await db.session.query(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'read_model' AND indexname = 'accounts_owner_id_idx'`,
    );
    expect(column.rows).toEqual([{ data_type: 'text', is_nullable: 'YES' }]);
    expect(index.rows).toEqual([{ indexdef: expect.stringContaining('(owner_id, opened_at, account_id)') }]);
  });
});
