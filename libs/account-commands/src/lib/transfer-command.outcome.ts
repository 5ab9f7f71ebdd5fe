import type { CreatedTransferState, OpenedAccountState, TransferError } from '@ledger/domain';
import type { AccountQueueFull } from './account-command.handler';

/**
 * A transfer command that was applied: the transfer and both accounts as the append left them. Of the
 * destination only its id and version: no one answered from it learns the other party's balance.
 */
export interface AcceptedTransfer {
  readonly kind: 'accepted';
  readonly transfer: { readonly version: number; readonly state: CreatedTransferState };
  readonly from: { readonly accountId: string; readonly version: number; readonly state: OpenedAccountState };
  /** For a hold, a void or an expiry (which do not touch it) the version it was read at. */
  readonly to: { readonly accountId: string; readonly version: number };
}

/** The rules or the access check refused the command: nothing was written, and nothing recorded. */
export interface RejectedTransfer {
  readonly kind: 'rejected';
  readonly error: TransferError;
}

export type TransferCommandOutcome =
  | AcceptedTransfer
  | RejectedTransfer
  /** The same transfer (id and terms) from the same caller, or the same Idempotency-Key and request: its first outcome, nothing appended. */
  | { readonly kind: 'replayed'; readonly outcome: AcceptedTransfer }
  /** A post or void's Idempotency-Key was used before with another request: nothing appended. */
  | { readonly kind: 'idempotency-key-reused'; readonly key: string }
  /** Other writers kept winning the race for an account until the attempts ran out. Safe to retry. */
  | { readonly kind: 'conflict'; readonly attempts: number }
  | AccountQueueFull;
