import { createTestDatabase, testPool, type TestDatabase } from '@ledger/testing';
import type { Pool } from 'pg';
import type { TransactionRow } from '@ledger/read-model-schema';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations, transactionArrays } from '@ledger/read-model-schema';
import { createNextTable, INSERT_HISTORY } from './rebuild.sql';

describe('history rows as array literals', () => {
  let database: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    database = await createTestDatabase(readModelMigrations, READ_MODEL_MIGRATIONS_TABLE);
    pool = testPool(database.url, 2);
    await pool.query(createNextTable('account_transactions'));
  }, 30_000);

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('given free text that means something to an array literal, when inserted, then every row reads back exactly', async () => {
    const texts = [
      'NULL',
      'null',
      '',
      ' ',
      'a,b',
      '{x}',
      'quote " and backslash \\',
      '\\"',
      'line\nbreak',
      'tab\there',
      'ünïcödé ✓',
      "it's",
    ];
    const rows: TransactionRow[] = texts.map((text, i) => ({
      accountId: '6f0b3c1e-1d2a-4c3b-8e4f-5a6b7c8d9e0f',
      version: i + 1,
      eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      type: i % 2 === 0 ? 'AccountFrozen' : 'MoneyDeposited',
      amount: i % 2 === 0 ? null : BigInt(Number.MAX_SAFE_INTEGER) - BigInt(i),
      balanceAfter: BigInt(i) * 1_000n,
      statusAfter: i % 2 === 0 ? 'FROZEN' : 'ACTIVE',
      reason: i % 3 === 2 ? null : text,
      occurredAt: new Date(Date.UTC(2026, 2, 1, 10, 0, i, 123)),
      correlationId: text === '' ? 'c' : text,
      transferId: i % 2 === 0 ? null : '5a1e0c3d-8b7f-4a2e-9c6d-3f4e5a6b7c8d',
      counterpartyAccountId: i % 2 === 0 ? null : '0b5f7c4e-3d2a-4f1b-9a8e-2c6d1e0f9a7b',
      reservedAfter: BigInt(i),
    }));

    await pool.query(INSERT_HISTORY, transactionArrays(rows));

    const { rows: stored } = await pool.query(
      `SELECT account_id::text, version::int, event_id::text, type, amount::text, balance_after::text, status_after, reason,
              occurred_at, correlation_id, transfer_id::text, counterparty_account_id::text, reserved_after::text
         FROM read_model.account_transactions_next ORDER BY version`,
    );
    expect(stored).toEqual(
      rows.map((r) => ({
        account_id: r.accountId,
        version: r.version,
        event_id: r.eventId,
        type: r.type,
        amount: r.amount === null ? null : r.amount.toString(),
        balance_after: r.balanceAfter.toString(),
        status_after: r.statusAfter,
        reason: r.reason,
        occurred_at: r.occurredAt,
        correlation_id: r.correlationId,
        transfer_id: r.transferId,
        counterparty_account_id: r.counterpartyAccountId,
        reserved_after: r.reservedAfter.toString(),
      })),
    );
  });
});
