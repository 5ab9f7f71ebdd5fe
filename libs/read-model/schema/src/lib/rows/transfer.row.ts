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

/**
 * A transfer as the projection folds it from its own stream: the terms (`read_model.transfers`) and
 * the state its last applied event left (`read_model.transfer_states`, one row per version).
 */
export interface TransferView {
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
  readonly status: TransferStatus;
  readonly postedAmount: bigint;
  readonly updatedAt: Date;
}

/** `read_model.transfers` joined with its latest `transfer_states` row, as TRANSFER_VIEW_SELECT reads it. */
export interface TransferViewRow {
  readonly transfer_id: string;
  readonly from_account_id: string;
  readonly to_account_id: string;
  readonly amount: string;
  readonly currency: string;
  readonly reference: string | null;
  readonly created_at: Date;
  readonly expires_at: Date | null;
  readonly version: string;
  readonly status: TransferStatus;
  readonly posted_amount: string;
  readonly updated_at: Date;
}

/** The select list over `transfers t` joined with its state at `t.version` as `s`. */
export const TRANSFER_VIEW_SELECT = `t.transfer_id::text AS transfer_id, t.from_account_id::text AS from_account_id,
  t.to_account_id::text AS to_account_id, t.amount::text AS amount, t.currency, t.reference, t.created_at, t.expires_at,
  t.version::text AS version, s.status, s.posted_amount::text AS posted_amount, s.updated_at`;

export function transferFromRow(row: TransferViewRow): TransferView {
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
    status: row.status,
    postedAmount: BigInt(row.posted_amount),
    updatedAt: row.updated_at,
  };
}

/** One applied leg: which account event applied it, for `read_model.transfer_legs`. */
export interface TransferLegRow {
  readonly transferId: string;
  readonly leg: TransferLegType;
  readonly accountId: string;
  readonly accountVersion: number;
}
