/**
 * The facts of a transfer's own stream (`transfer-<id>`). The money itself is in the account streams'
 * legs (`TransferLegEvent`), appended in the same transaction; these say what became of the transfer.
 */
/** What a new transfer, immediate or pending, records of its request: its command's data and its events' share these. */
export type TransferTerms = Readonly<{
  transferId: string;
  fromAccountId: string;
  toAccountId: string;
  amount: bigint;
  currency: string;
  reference: string | null;
}>;

export type TransferCompleted = Readonly<{
  type: 'TransferCompleted';
  data: TransferTerms & Readonly<{ completedAt: Date }>;
}>;

export type PendingTransferPlaced = Readonly<{
  type: 'PendingTransferPlaced';
  data: TransferTerms &
    Readonly<{
      timeoutSeconds: number;
      /** Decided once from `placedAt` and the timeout, so replay never recomputes the deadline. */
      expiresAt: Date;
      placedAt: Date;
    }>;
}>;

/** `amount` moved; `releasedAmount` (the rest of the hold, possibly 0) went back to the source. */
export type PendingTransferPosted = Readonly<{
  type: 'PendingTransferPosted';
  data: Readonly<{ transferId: string; amount: bigint; releasedAmount: bigint; postedAt: Date }>;
}>;

/** The whole hold (`amount`) was released on request. */
export type PendingTransferVoided = Readonly<{
  type: 'PendingTransferVoided';
  data: Readonly<{ transferId: string; amount: bigint; voidedAt: Date }>;
}>;

/** The whole hold (`amount`) was released because its deadline passed. */
export type PendingTransferExpired = Readonly<{
  type: 'PendingTransferExpired';
  data: Readonly<{ transferId: string; amount: bigint; expiredAt: Date }>;
}>;

export type TransferEvent =
  | TransferCompleted
  | PendingTransferPlaced
  | PendingTransferPosted
  | PendingTransferVoided
  | PendingTransferExpired;

export type TransferEventType = TransferEvent['type'];
