import type { ClientBase } from 'pg';
import { accountFromRow, ACCOUNT_SELECT, type AccountRow, type AccountView } from './account.row';
import { transactionFromRow, TRANSACTION_SELECT, type TransactionRow, type TransactionTableRow } from './account-transaction.row';

export interface ReadModelRowsOptions {
  /** Rows per round trip: what is held in memory at a time. */
  readonly batchSize: number;
  /** Only this account's rows. */
  readonly accountId?: string;
}

// Keyset pages over the primary keys. ORDER BY is qualified on purpose: the bare names would sort by
// the text aliases of the select list ('10' < '9') and miss the index.
const ACCOUNTS_PAGE = `SELECT ${ACCOUNT_SELECT} FROM read_model.accounts a
  WHERE a.account_id > $1::uuid ORDER BY a.account_id LIMIT $2::int`;
const ONE_ACCOUNT = `SELECT ${ACCOUNT_SELECT} FROM read_model.accounts a WHERE a.account_id = $1::uuid`;
const TRANSACTIONS_PAGE = `SELECT ${TRANSACTION_SELECT} FROM read_model.account_transactions t
  WHERE (t.account_id, t.version) > ($1::uuid, $2::bigint) ORDER BY t.account_id, t.version LIMIT $3::int`;
const ONE_ACCOUNT_TRANSACTIONS = `SELECT ${TRANSACTION_SELECT} FROM read_model.account_transactions t
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
    for (const row of rows) yield accountFromRow(row);
    return;
  }
  let after = BEFORE_EVERY_UUID;
  for (;;) {
    const { rows } = await session.query<AccountRow>(ACCOUNTS_PAGE, [after, options.batchSize]);
    for (const row of rows) yield accountFromRow(row);
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

function assertBatchSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 1) throw new Error(`batch size must be a positive integer, got ${size}`);
}
