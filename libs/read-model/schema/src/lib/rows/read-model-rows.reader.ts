import type { AccountStatus, AccountEventType } from '@ledger/domain';
import type { ClientBase } from 'pg';
import type { AccountView, TransactionRow } from '../projection/account-view';
import { ACCOUNT_COLUMNS } from '../projection/projection.sql';
import { viewFromRow, type AccountRow } from '../projection/projection.writer';

export interface ReadModelRowsOptions {
  /** Rows per round trip: what is held in memory at a time. */
  readonly batchSize: number;
  /** Only this account's rows. */
  readonly accountId?: string;
}

interface TransactionTableRow {
  readonly account_id: string;
  readonly version: string;
  readonly event_id: string;
  readonly type: AccountEventType;
  readonly amount: string | null;
  readonly balance_after: string;
  readonly status_after: AccountStatus;
  readonly reason: string | null;
  readonly occurred_at: Date;
  readonly correlation_id: string;
}

const TRANSACTION_COLUMNS = `account_id::text AS account_id, version::text AS version, event_id::text AS event_id, type,
  amount::text AS amount, balance_after::text AS balance_after, status_after, reason, occurred_at, correlation_id`;

// Keyset pages over the primary keys. ORDER BY is qualified on purpose: the bare names would sort by
// the text aliases of the select list ('10' < '9') and miss the index.
const ACCOUNTS_PAGE = `SELECT ${ACCOUNT_COLUMNS} FROM read_model.accounts a
  WHERE a.account_id > $1::uuid ORDER BY a.account_id LIMIT $2::int`;
const ONE_ACCOUNT = `SELECT ${ACCOUNT_COLUMNS} FROM read_model.accounts a WHERE a.account_id = $1::uuid`;
const TRANSACTIONS_PAGE = `SELECT ${TRANSACTION_COLUMNS} FROM read_model.account_transactions t
  WHERE (t.account_id, t.version) > ($1::uuid, $2::bigint) ORDER BY t.account_id, t.version LIMIT $3::int`;
const ONE_ACCOUNT_TRANSACTIONS = `SELECT ${TRANSACTION_COLUMNS} FROM read_model.account_transactions t
  WHERE t.account_id = $1::uuid AND t.version > $2::bigint ORDER BY t.version LIMIT $3::int`;

const BEFORE_EVERY_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Every account row (or one), in account id order, a page at a time. Run inside a REPEATABLE READ
 * transaction on `session` for one consistent view across pages. The nil UUID is never an account
 * (the pages start after it).
 */
export async function* accountsInIdOrder(session: ClientBase, options: ReadModelRowsOptions): AsyncGenerator<AccountView> {
  assertBatchSize(options.batchSize);
  if (options.accountId !== undefined) {
    const { rows } = await session.query<AccountRow>(ONE_ACCOUNT, [options.accountId]);
    for (const row of rows) yield viewFromRow(row);
    return;
  }
  let after = BEFORE_EVERY_UUID;
  for (;;) {
    const { rows } = await session.query<AccountRow>(ACCOUNTS_PAGE, [after, options.batchSize]);
    for (const row of rows) yield viewFromRow(row);
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < options.batchSize) return;
    after = last.account_id;
  }
}

/** Every history row (or one account's), by account id then version, a page at a time. */
export async function* transactionsInIdOrder(session: ClientBase, options: ReadModelRowsOptions): AsyncGenerator<TransactionRow> {
  assertBatchSize(options.batchSize);
  const one = options.accountId !== undefined;
  let after = { accountId: options.accountId ?? BEFORE_EVERY_UUID, version: '0' };
  for (;;) {
    const { rows } = await session.query<TransactionTableRow>(one ? ONE_ACCOUNT_TRANSACTIONS : TRANSACTIONS_PAGE, [
      after.accountId,
      after.version,
      options.batchSize,
    ]);
    for (const row of rows) yield transactionFromRow(row);
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < options.batchSize) return;
    after = { accountId: last.account_id, version: last.version };
  }
}

function transactionFromRow(row: TransactionTableRow): TransactionRow {
  return {
    accountId: row.account_id,
    version: Number(row.version),
    eventId: row.event_id,
    type: row.type,
    amount: row.amount === null ? null : BigInt(row.amount),
    balanceAfter: BigInt(row.balance_after),
    statusAfter: row.status_after,
    reason: row.reason,
    occurredAt: row.occurred_at,
    correlationId: row.correlation_id,
  };
}

function assertBatchSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 1) throw new Error(`batch size must be a positive integer, got ${size}`);
}
