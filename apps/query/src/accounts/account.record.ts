import type { AccountEntity } from '@ledger/read-model-schema';

/**
 * An account as the query serves it: the entity, plus what transfers added to its table (the amount
 * held by pending transfers), read beside the entity's own columns. A decimal string, as bigints are.
 */
export type AccountRecord = AccountEntity & { readonly reserved: string };

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
