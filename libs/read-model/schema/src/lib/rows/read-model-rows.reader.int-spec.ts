import { databaseSuite } from '@ledger/testing';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from '../read-model.migrations';
import { accountsInIdOrder, transactionsInIdOrder } from './read-model-rows.reader';

const ACCOUNTS = ['10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000002', 'f0000000-0000-4000-8000-000000000003'];
/** History lengths: one past ten versions (text order would put 10 before 9). */
const LENGTHS = [12, 1, 3];

describe('read-model rows in account id order', () => {
  const db = databaseSuite({ migrations: readModelMigrations, migrationsTable: READ_MODEL_MIGRATIONS_TABLE, poolSize: 2, session: true });

  beforeAll(async () => {
    for (const [i, accountId] of [...ACCOUNTS.entries()].reverse()) {
      const length = LENGTHS[i] ?? 0;
      await db.pool.query(
        `INSERT INTO read_model.accounts (account_id, owner, currency, balance, status, version, opened_at, updated_at,
           total_deposited, total_withdrawn, transaction_count, last_activity_at)
         VALUES ($1, 'Ada', 'EUR', 9007199254740991, 'FROZEN', $2, '2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z',
           18014398509481982, 0, $2, NULL)`,
        [accountId, length],
      );
      for (let version = length; version >= 1; version--) {
        await db.pool.query(
          `INSERT INTO read_model.account_transactions (account_id, version, event_id, type, amount, balance_after, status_after,
             reason, occurred_at, correlation_id)
           VALUES ($1, $2, gen_random_uuid(), $3, $4, 100, 'ACTIVE', NULL, '2026-03-01T10:00:00Z', 'c')`,
          [accountId, version, version === 1 ? 'AccountOpened' : 'AccountFrozen', version === 1 ? 100 : null],
        );
      }
    }
  }, 60_000);

  async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
    const items: T[] = [];
    for await (const item of rows) items.push(item);
    return items;
  }

  it.each([1, 2, 5, 500])('given pages of %i, then every account once, in id order, money exact beyond 2^53', async (batchSize) => {
    const accounts = await collect(accountsInIdOrder(db.session, { batchSize }));

    expect(accounts.map((a) => a.accountId)).toEqual(ACCOUNTS);
    expect(accounts[0]).toMatchObject({
      balance: 9007199254740991n,
      totalDeposited: 18014398509481982n,
      totalWithdrawn: 0n,
      version: 12,
      status: 'FROZEN',
      lastActivityAt: null,
    });
  });

  it.each([1, 5, 12, 500])('given pages of %i, then every history row once, by account then version', async (batchSize) => {
    const rows = await collect(transactionsInIdOrder(db.session, { batchSize }));

    expect(rows.map((r) => `${r.accountId.slice(0, 1)}:${r.version}`)).toEqual(
      ACCOUNTS.flatMap((id, i) => Array.from({ length: LENGTHS[i] ?? 0 }, (_, v) => `${id.slice(0, 1)}:${v + 1}`)),
    );
    expect(rows[0]).toMatchObject({ type: 'AccountOpened', amount: 100n, balanceAfter: 100n, reason: null });
    expect(rows[1]).toMatchObject({ type: 'AccountFrozen', amount: null });
  });

  it('given an account id, then only its rows', async () => {
    const [first] = ACCOUNTS as [string];

    expect((await collect(accountsInIdOrder(db.session, { batchSize: 2, accountId: first }))).map((a) => a.accountId)).toEqual([first]);
    expect((await collect(transactionsInIdOrder(db.session, { batchSize: 5, accountId: first }))).map((r) => r.version)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
  });
});
