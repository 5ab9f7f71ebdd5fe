import type { TransferTerms } from './transfer.events';

/**
 * Transfer commands, in the imperative. A transfer moves money between two accounts of one currency;
 * its id is chosen by the client and names its own stream. Time (`now`) is passed in.
 */

/** A transfer's reference is the client's text for it (an invoice number, say), at most this long. */
export const TRANSFER_REFERENCE_MAX_LENGTH = 140;
/** The longest a hold may stay pending: 30 days. */
export const PENDING_TIMEOUT_MAX_SECONDS = 2_592_000;

type NewTransfer = TransferTerms & Readonly<{ now: Date }>;

/** Moves `amount` at once. */
export type TransferMoney = Readonly<{
  type: 'TransferMoney';
  data: NewTransfer;
}>;

/** Reserves `amount` on the source until it is posted, voided, or `timeoutSeconds` pass. */
export type PlacePendingTransfer = Readonly<{
  type: 'PlacePendingTransfer';
  data: NewTransfer & Readonly<{ timeoutSeconds: number }>;
}>;

/** Moves `amount` of a pending transfer (null: all of it) and releases the rest. */
export type PostPendingTransfer = Readonly<{
  type: 'PostPendingTransfer';
  data: Readonly<{ transferId: string; amount: bigint | null; now: Date }>;
}>;

/** Releases a pending transfer's whole reservation; nothing moves. */
export type VoidPendingTransfer = Readonly<{
  type: 'VoidPendingTransfer';
  data: Readonly<{ transferId: string; now: Date }>;
}>;

/** Releases a pending transfer whose deadline has passed (the expiry worker's command). */
export type ExpirePendingTransfer = Readonly<{
  type: 'ExpirePendingTransfer';
  data: Readonly<{ transferId: string; now: Date }>;
}>;

export type TransferCommand = TransferMoney | PlacePendingTransfer | PostPendingTransfer | VoidPendingTransfer | ExpirePendingTransfer;

export type TransferCommandType = TransferCommand['type'];
