import { databaseSuite } from '@ledger/testing';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from '../read-model.migrations';
import {
  accountsInIdOrder,
  transactionsInIdOrder,
  transferLegsInIdOrder,
  transferStatesInIdOrder,
  transfersInIdOrder,
} from './read-model-rows.reader';

const ACCOUNTS = ['10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000002', 'f0000000-0000-4000-8000-000000000003'];
/** History lengths: one past ten versions (text order would put 10 before 9). */
const LENGTHS = [12, 1, 3];

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of rows) items.push(item);
  return items;
}

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

const TRANSFERS = ['30000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002'];
/** States per transfer: one past ten versions, as for the history above. */
const STATES = [11, 1];

describe('read-model transfer rows in transfer id order', () => {
  const db = databaseSuite({ migrations: readModelMigrations, migrationsTable: READ_MODEL_MIGRATIONS_TABLE, poolSize: 2, session: true });

  beforeAll(async () => {
    for (const [i, transferId] of [...TRANSFERS.entries()].reverse()) {
      const versions = STATES[i] ?? 0;
      await db.pool.query(
        `INSERT INTO read_model.transfers (transfer_id, from_account_id, to_account_id, amount, currency, reference, created_at,
           expires_at, version)
         VALUES ($1, $2, $3, 9007199254740993, 'EUR', NULL, '2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z', $4)`,
        [transferId, ACCOUNTS[0], ACCOUNTS[1], versions],
      );
      for (let version = versions; version >= 1; version--) {
        await db.pool.query(
          `INSERT INTO read_model.transfer_states (transfer_id, version, status, posted_amount, updated_at)
           VALUES ($1, $2, $3, $4, '2026-03-01T10:00:00Z')`,
          [transferId, version, version === 1 ? 'pending' : 'posted', version === 1 ? 0 : '9007199254740993'],
        );
      }
      for (const [leg, accountId] of [
        ['HoldPosted', ACCOUNTS[0]],
        ['HoldPlaced', ACCOUNTS[0]],
        ['TransferCredited', ACCOUNTS[1]],
      ]) {
        await db.pool.query(
          `INSERT INTO read_model.transfer_legs (transfer_id, leg, account_id, account_version) VALUES ($1, $2, $3, 10)`,
          [transferId, leg, accountId],
        );
      }
    }
  }, 60_000);

  it.each([1, 2, 500])('given pages of %i, then every transfer once, in id order, money exact beyond 2^53', async (batchSize) => {
    const transfers = await collect(transfersInIdOrder(db.session, batchSize));

    expect(transfers.map((t) => t.transferId)).toEqual(TRANSFERS);
    expect(transfers[0]).toEqual({
      transferId: TRANSFERS[0],
      fromAccountId: ACCOUNTS[0],
      toAccountId: ACCOUNTS[1],
      amount: 9007199254740993n,
      currency: 'EUR',
      reference: null,
      createdAt: new Date('2026-03-01T10:00:00Z'),
      expiresAt: new Date('2026-03-01T11:00:00Z'),
      version: 11,
    });
  });

  it.each([1, 5, 500])('given pages of %i, then every state once, by transfer then version', async (batchSize) => {
    const states = await collect(transferStatesInIdOrder(db.session, batchSize));

    expect(states.map((s) => `${s.transferId.slice(0, 1)}:${s.version}`)).toEqual(
      TRANSFERS.flatMap((id, i) => Array.from({ length: STATES[i] ?? 0 }, (_, v) => `${id.slice(0, 1)}:${v + 1}`)),
    );
    expect(states[1]).toEqual({
      transferId: TRANSFERS[0],
      version: 2,
      status: 'posted',
      postedAmount: 9007199254740993n,
      updatedAt: new Date('2026-03-01T10:00:00Z'),
    });
  });

  it.each([1, 2, 500])('given pages of %i, then every leg once, by transfer then leg', async (batchSize) => {
    const legs = await collect(transferLegsInIdOrder(db.session, batchSize));

    expect(legs.map((l) => `${l.transferId.slice(0, 1)}:${l.leg}`)).toEqual(
      TRANSFERS.flatMap((id) => ['HoldPlaced', 'HoldPosted', 'TransferCredited'].map((leg) => `${id.slice(0, 1)}:${leg}`)),
    );
    expect(legs[0]).toEqual({ transferId: TRANSFERS[0], leg: 'HoldPlaced', accountId: ACCOUNTS[0], accountVersion: 10 });
  });
});
