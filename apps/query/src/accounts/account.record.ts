import type { AccountEntity } from '@ledger/read-model-schema';

/**
 * An account as the query serves it: the entity, plus what transfers added to its table (the amount
 * held by pending transfers), read beside the entity's own columns. A decimal string, as bigints are.
 */
export type AccountRecord = AccountEntity & { readonly reserved: string };

/**
 * As ACCOUNT_RECORD_SELECT reads a row of `read_model.accounts`. The names carry an `a_` prefix so
 * that one row can hold an account beside one of its history rows (HISTORY_SELECT's names).
 */
export interface AccountTableRow {
  readonly a_account_id: string;
  readonly a_owner: string;
  readonly a_owner_id: string | null;
  readonly a_currency: string;
  readonly a_balance: string;
  readonly a_reserved: string;
  readonly a_status: AccountRecord['status'];
  readonly a_version: string;
  readonly a_opened_at: Date;
  readonly a_updated_at: Date;
  readonly a_total_deposited: string;
  readonly a_total_withdrawn: string;
  readonly a_transaction_count: string;
  readonly a_last_activity_at: Date | null;
}

/** The select list of an AccountTableRow over `read_model.accounts` aliased `a` (exact numbers as text). */
export const ACCOUNT_RECORD_SELECT = [
  'a.account_id::text AS a_account_id',
  'a.owner AS a_owner',
  'a.owner_id AS a_owner_id',
  'a.currency AS a_currency',
  'a.balance::text AS a_balance',
  'a.reserved::text AS a_reserved',
  'a.status AS a_status',
  'a.version::text AS a_version',
  'a.opened_at AS a_opened_at',
  'a.updated_at AS a_updated_at',
  'a.total_deposited::text AS a_total_deposited',
  'a.total_withdrawn::text AS a_total_withdrawn',
  'a.transaction_count::text AS a_transaction_count',
  'a.last_activity_at AS a_last_activity_at',
].join(', ');

export function accountFromRow(row: AccountTableRow): AccountRecord {
  return {
    accountId: row.a_account_id,
    owner: row.a_owner,
    ownerId: row.a_owner_id,
    currency: row.a_currency,
    balance: row.a_balance,
    reserved: row.a_reserved,
    status: row.a_status,
    version: row.a_version,
    openedAt: row.a_opened_at,
    updatedAt: row.a_updated_at,
    totalDeposited: row.a_total_deposited,
    totalWithdrawn: row.a_total_withdrawn,
    transactionCount: row.a_transaction_count,
    lastActivityAt: row.a_last_activity_at,
  };
}

/** One row of an account's history as the query serves it, transfer columns included. */
export interface HistoryRecord {
  readonly accountId: string;
  /** bigint columns arrive as decimal strings (exact). */
  readonly version: string;
  readonly eventId: string;
  readonly type: string;
  readonly amount: string | null;
  readonly balanceAfter: string;
  readonly statusAfter: string;
  readonly reason: string | null;
  readonly occurredAt: Date;
  /** The transfer a leg belongs to and the account on its other side; null for every other event. */
  readonly transferId: string | null;
  readonly counterpartyAccountId: string | null;
  /** What pending transfers held on the account right after the event. */
  readonly reservedAfter: string;
}

/** As HISTORY_SELECT reads a row of `read_model.account_transactions`. */
export interface HistoryTableRow {
  readonly account_id: string;
  readonly version: string;
  readonly event_id: string;
  readonly type: string;
  readonly amount: string | null;
  readonly balance_after: string;
  readonly status_after: string;
  readonly reason: string | null;
  readonly occurred_at: Date;
  readonly transfer_id: string | null;
  readonly counterparty_account_id: string | null;
  readonly reserved_after: string;
}

/** The select list of a HistoryTableRow over `read_model.account_transactions` aliased `tx` (exact numbers as text). */
export const HISTORY_SELECT = [
  'tx.account_id::text AS account_id',
  'tx.version::text AS version',
  'tx.event_id::text AS event_id',
  'tx.type',
  'tx.amount::text AS amount',
  'tx.balance_after::text AS balance_after',
  'tx.status_after',
  'tx.reason',
  'tx.occurred_at',
  'tx.transfer_id::text AS transfer_id',
  'tx.counterparty_account_id::text AS counterparty_account_id',
  'tx.reserved_after::text AS reserved_after',
].join(', ');

export function historyFromRow(row: HistoryTableRow): HistoryRecord {
  return {
    accountId: row.account_id,
    version: row.version,
    eventId: row.event_id,
    type: row.type,
    amount: row.amount,
    balanceAfter: row.balance_after,
    statusAfter: row.status_after,
    reason: row.reason,
    occurredAt: row.occurred_at,
    transferId: row.transfer_id,
    counterpartyAccountId: row.counterparty_account_id,
    reservedAfter: row.reserved_after,
  };
}
