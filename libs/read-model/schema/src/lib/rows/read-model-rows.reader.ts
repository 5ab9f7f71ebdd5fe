import type { ClientBase, QueryResultRow } from 'pg';
import { accountFromRow, ACCOUNT_SELECT, type AccountRow, type AccountView } from './account.row';
import { transactionFromRow, TRANSACTION_SELECT, type TransactionRow, type TransactionTableRow } from './account-transaction.row';
import {
  TRANSFER_LEG_SELECT,
  TRANSFER_SELECT,
  TRANSFER_STATE_SELECT,
  transferLegFromRow,
  transferRowFromRow,
  transferStateFromRow,
  type TransferLegRow,
  type TransferLegTableRow,
  type TransferRow,
  type TransferStateTableRow,
  type TransferStateWithId,
  type TransferTableRow,
} from './transfer.row';

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
const TRANSFERS_PAGE = `SELECT ${TRANSFER_SELECT} FROM read_model.transfers t
  WHERE t.transfer_id > $1::uuid ORDER BY t.transfer_id LIMIT $2::int`;
const TRANSFER_STATES_PAGE = `SELECT ${TRANSFER_STATE_SELECT} FROM read_model.transfer_states s
  WHERE (s.transfer_id, s.version) > ($1::uuid, $2::bigint) ORDER BY s.transfer_id, s.version LIMIT $3::int`;
const TRANSFER_LEGS_PAGE = `SELECT ${TRANSFER_LEG_SELECT} FROM read_model.transfer_legs l
  WHERE (l.transfer_id, l.leg) > ($1::uuid, $2::text) ORDER BY l.transfer_id, l.leg LIMIT $3::int`;

const BEFORE_EVERY_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Every account row (or one), in account id order, a page at a time. Run inside a REPEATABLE READ
 * transaction on `session` for one consistent view across pages (as every reader here). The nil UUID
 * is never an account or a transfer (the pages start after it).
 */
export async function* accountsInIdOrder(session: ClientBase, options: ReadModelRowsOptions): AsyncGenerator<AccountView> {
  assertBatchSize(options.batchSize);
  if (options.accountId !== undefined) {
    const { rows } = await session.query<AccountRow>(ONE_ACCOUNT, [options.accountId]);
    for (const row of rows) yield accountFromRow(row);
    return;
  }
  yield* keysetPages(session, ACCOUNTS_PAGE, [BEFORE_EVERY_UUID], options.batchSize, (row: AccountRow) => [row.account_id], accountFromRow);
}

/** Every history row (or one account's), by account id then version, a page at a time. */
export function transactionsInIdOrder(session: ClientBase, options: ReadModelRowsOptions): AsyncGenerator<TransactionRow> {
  return keysetPages(
    session,
    options.accountId === undefined ? TRANSACTIONS_PAGE : ONE_ACCOUNT_TRANSACTIONS,
    [options.accountId ?? BEFORE_EVERY_UUID, '0'],
    options.batchSize,
    (row: TransactionTableRow) => [row.account_id, row.version],
    transactionFromRow,
  );
}

/** Every transfer row, in transfer id order, a page at a time. */
export function transfersInIdOrder(session: ClientBase, batchSize: number): AsyncGenerator<TransferRow> {
  return keysetPages(
    session,
    TRANSFERS_PAGE,
    [BEFORE_EVERY_UUID],
    batchSize,
    (row: TransferTableRow) => [row.transfer_id],
    transferRowFromRow,
  );
}

/** Every transfer state, by transfer id then version. */
export function transferStatesInIdOrder(session: ClientBase, batchSize: number): AsyncGenerator<TransferStateWithId> {
  return keysetPages(
    session,
    TRANSFER_STATES_PAGE,
    [BEFORE_EVERY_UUID, '0'],
    batchSize,
    (row: TransferStateTableRow) => [row.transfer_id, row.version],
    transferStateFromRow,
  );
}

/** Every applied leg, by transfer id then leg. */
export function transferLegsInIdOrder(session: ClientBase, batchSize: number): AsyncGenerator<TransferLegRow> {
  return keysetPages(
    session,
    TRANSFER_LEGS_PAGE,
    [BEFORE_EVERY_UUID, ''],
    batchSize,
    (row: TransferLegTableRow) => [row.transfer_id, row.leg],
    transferLegFromRow,
  );
}

/**
 * The rows of `page` a page at a time: its parameters are the key to start after, then the page size;
 * each page starts after the key of the last row of the one before.
 */
async function* keysetPages<R extends QueryResultRow, T>(
  session: ClientBase,
  page: string,
  start: readonly unknown[],
  batchSize: number,
  keyOf: (row: R) => readonly unknown[],
  map: (row: R) => T,
): AsyncGenerator<T> {
  assertBatchSize(batchSize);
  let after = start;
  for (;;) {
    const { rows } = await session.query<R>(page, [...after, batchSize]);
    for (const row of rows) yield map(row);
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < batchSize) return;
    after = keyOf(last);
  }
}

function assertBatchSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 1) throw new Error(`batch size must be a positive integer, got ${size}`);
}
