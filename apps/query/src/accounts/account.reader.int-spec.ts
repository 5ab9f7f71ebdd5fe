import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from '@ledger/read-model-schema';
import { databaseSuite } from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SeededAccount } from '../testing/transfer-ledger.fixture';
import { AccountReader, type AccountChanges } from './account.reader';
import { ReadModelPool } from './read-model.pool';

const AT = '2026-03-01T10:00:00.000Z';

/** Each read as [account version, [row account, row version]...], what the reads of several accounts must keep apart. */
const shapes = (reads: readonly AccountChanges[]) =>
  reads.map(({ account, changes }) => [account?.version ?? null, changes.map((row) => [row.accountId, Number(row.version)])]);

describe('AccountReader, several accounts in one statement, against PostgreSQL', () => {
  const db = databaseSuite({ migrations: readModelMigrations, migrationsTable: READ_MODEL_MIGRATIONS_TABLE, poolSize: 2 });
  let dataSource: DataSource;
  let reader: AccountReader;
  /** Twelve versions: past ten, so text order would put 10 before 9. */
  let long: SeededAccount;
  let short: SeededAccount;
  /** History rows whose account row is gone. */
  let orphan: SeededAccount;

  beforeAll(async () => {
    dataSource = await new DataSource({ type: 'postgres', url: db.url, poolSize: 2 }).initialize();
    reader = new AccountReader(new ReadModelPool(dataSource));
    long = await SeededAccount.open(db.pool, { ownerId: null, at: AT, deposit: 100n });
    for (let i = 0; i < 11; i++) await long.apply({ type: 'MoneyDeposited', at: AT, amount: 1n, balanceChange: 1n });
    short = await SeededAccount.open(db.pool, { ownerId: null, at: AT, deposit: 5n });
    for (let i = 0; i < 2; i++) await short.apply({ type: 'MoneyWithdrawn', at: AT, amount: 1n, balanceChange: -1n });
    orphan = await SeededAccount.open(db.pool, { ownerId: null, at: AT, deposit: 1n });
    await db.pool.query('DELETE FROM read_model.accounts WHERE account_id = $1', [orphan.accountId]);
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
  });

  it('given accounts at different positions and takes, then each gets its own rows after its position, in the order asked', async () => {
    const missing = randomUUID();

    const reads = await reader.accountsWithChanges([
      { accountId: short.accountId, afterVersion: 0, take: 2 },
      { accountId: long.accountId, afterVersion: 8, take: 200 },
      { accountId: missing, afterVersion: 0, take: 200 },
      { accountId: orphan.accountId, afterVersion: 0, take: 200 },
    ]);

    expect(shapes(reads)).toEqual([
      [
        '3',
        [
          [short.accountId, 1],
          [short.accountId, 2],
        ],
      ],
      [
        '12',
        [
          [long.accountId, 9],
          [long.accountId, 10],
          [long.accountId, 11],
          [long.accountId, 12],
        ],
      ],
      [null, []],
      [null, [[orphan.accountId, 1]]],
    ]);
    expect(reads[0]?.account).toMatchObject({ accountId: short.accountId, balance: '3', currency: 'EUR', status: 'ACTIVE' });
    expect(reads[1]?.changes[3]).toMatchObject({ type: 'MoneyDeposited', amount: '1', balanceAfter: '111', reservedAfter: '0' });
  });

  it('given a take of 0 or a position at the account version, then the account alone', async () => {
    const reads = await reader.accountsWithChanges([
      { accountId: long.accountId, afterVersion: 0, take: 0 },
      { accountId: short.accountId, afterVersion: 3, take: 200 },
    ]);

    expect(shapes(reads)).toEqual([
      ['12', []],
      ['3', []],
    ]);
  });

  it('given one account, then the same statement serves it', async () => {
    const [read] = await reader.accountsWithChanges([{ accountId: long.accountId, afterVersion: 10, take: 1 }]);

    expect(read?.account?.version).toBe('12');
    expect(read?.changes.map((row) => row.version)).toEqual(['11']);
  });
});
