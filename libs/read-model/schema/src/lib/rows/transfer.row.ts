import type { TransferLegEvent, TransferStatus } from '@ledger/domain';

/** A leg's name in `read_model.transfer_legs`: the account event that applied it. */
export type TransferLegType = TransferLegEvent['type'];

/** One state of a transfer's own stream, as `read_model.transfer_states` keeps it. */
export interface TransferStateRow {
  readonly version: number;
  readonly status: TransferStatus;
  readonly postedAmount: bigint;
  readonly updatedAt: Date;
}

/**
 * The account legs a transfer in this state has written in all: a state may be shown only once every
 * one of them is in the read model. A transfer's legs never repeat a type, which is why a leg is named
 * by its type alone.
 */
export function requiredLegs(status: TransferStatus): readonly TransferLegType[] {
  switch (status) {
    case 'completed':
      return ['TransferDebited', 'TransferCredited'];
    case 'pending':
      return ['HoldPlaced'];
    case 'posted':
      return ['HoldPlaced', 'HoldPosted', 'TransferCredited'];
    case 'voided':
    case 'expired':
      return ['HoldPlaced', 'HoldReleased'];
    default: {
      const unknown: never = status;
      throw new Error(`unknown transfer status ${String(unknown)}`);
    }
  }
}

/**
 * The latest state whose legs are all applied, or null when none is (the transfer is not visible yet):
 * a reader never sees a transfer half done, only an older whole state or nothing.
 */
export function visibleTransferState<T extends TransferStateRow>(states: readonly T[], appliedLegs: ReadonlySet<string>): T | null {
  let visible: T | null = null;
  for (const state of states) {
    const whole = requiredLegs(state.status).every((leg) => appliedLegs.has(leg));
    if (whole && (visible === null || state.version > visible.version)) visible = state;
  }
  return visible;
}

/** A transfer's row in `read_model.transfers`: its terms, and the version of its stream's last applied event. */
export interface TransferRow {
  readonly transferId: string;
  readonly fromAccountId: string;
  readonly toAccountId: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly reference: string | null;
  readonly createdAt: Date;
  /** A hold's deadline; null for an immediate transfer. */
  readonly expiresAt: Date | null;
  /** The transfer stream's last applied event. */
  readonly version: number;
}

/** A `read_model.transfer_states` row with the transfer it is a state of, as a read across transfers yields it. */
export interface TransferStateWithId extends TransferStateRow {
  readonly transferId: string;
}

/**
 * A transfer as the projection folds it from its own stream: the terms (`read_model.transfers`) and
 * the state its last applied event left (`read_model.transfer_states`, one row per version).
 */
export type TransferView = TransferRow & TransferStateRow;

/*
 * The transfer tables to and from these types: the one mapping of their columns, for the projection's
 * locked reads and the verifier's reads alike. bigint columns travel as decimal strings (exact).
 */

/** As a row of `read_model.transfers` reads back with TRANSFER_SELECT. */
export interface TransferTableRow {
  readonly transfer_id: string;
  readonly from_account_id: string;
  readonly to_account_id: string;
  readonly amount: string;
  readonly currency: string;
  readonly reference: string | null;
  readonly created_at: Date;
  readonly expires_at: Date | null;
  readonly version: string;
}

interface StateColumns {
  readonly status: TransferStatus;
  readonly posted_amount: string;
  readonly updated_at: Date;
}

/** `read_model.transfers` joined with its latest `transfer_states` row, as TRANSFER_VIEW_SELECT reads it. */
export type TransferViewRow = TransferTableRow & StateColumns;

/** As a row of `read_model.transfer_states` reads back with TRANSFER_STATE_SELECT. */
export interface TransferStateTableRow extends StateColumns {
  readonly transfer_id: string;
  readonly version: string;
}

/** As a row of `read_model.transfer_legs` reads back with TRANSFER_LEG_SELECT. */
export interface TransferLegTableRow {
  readonly transfer_id: string;
  readonly leg: TransferLegType;
  readonly account_id: string;
  readonly account_version: string;
}

const STATE_COLUMNS = 's.status, s.posted_amount::text AS posted_amount, s.updated_at';

/** The select list over `transfers t`. */
export const TRANSFER_SELECT = `t.transfer_id::text AS transfer_id, t.from_account_id::text AS from_account_id,
  t.to_account_id::text AS to_account_id, t.amount::text AS amount, t.currency, t.reference, t.created_at, t.expires_at,
  t.version::text AS version`;

/** The select list over `transfers t` joined with its state at `t.version` as `s`. */
export const TRANSFER_VIEW_SELECT = `${TRANSFER_SELECT}, ${STATE_COLUMNS}`;

/** The select list over `transfer_states s`. */
export const TRANSFER_STATE_SELECT = `s.transfer_id::text AS transfer_id, s.version::text AS version, ${STATE_COLUMNS}`;

/** The select list over `transfer_legs l`. */
export const TRANSFER_LEG_SELECT = `l.transfer_id::text AS transfer_id, l.leg, l.account_id::text AS account_id,
  l.account_version::text AS account_version`;

export function transferRowFromRow(row: TransferTableRow): TransferRow {
  return {
    transferId: row.transfer_id,
    fromAccountId: row.from_account_id,
    toAccountId: row.to_account_id,
    amount: BigInt(row.amount),
    currency: row.currency,
    reference: row.reference,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    version: Number(row.version),
  };
}

export function transferFromRow(row: TransferViewRow): TransferView {
  return { ...transferRowFromRow(row), ...stateFromColumns(row) };
}

export function transferStateFromRow(row: TransferStateTableRow): TransferStateWithId {
  return { transferId: row.transfer_id, version: Number(row.version), ...stateFromColumns(row) };
}

export function transferLegFromRow(row: TransferLegTableRow): TransferLegRow {
  return { transferId: row.transfer_id, leg: row.leg, accountId: row.account_id, accountVersion: Number(row.account_version) };
}

function stateFromColumns(row: StateColumns): Omit<TransferStateRow, 'version'> {
  return { status: row.status, postedAmount: BigInt(row.posted_amount), updatedAt: row.updated_at };
}

/** One applied leg: which account event applied it, for `read_model.transfer_legs`. */
export interface TransferLegRow {
  readonly transferId: string;
  readonly leg: TransferLegType;
  readonly accountId: string;
  readonly accountVersion: number;
}
