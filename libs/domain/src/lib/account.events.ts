import { unhandled } from './unhandled';

/**
 * Events are the facts the account decided. Each one carries what replay needs (amounts and the
 * resulting balance), so replay never re-runs today's rules.
 */
export type AccountStatus = 'ACTIVE' | 'FROZEN' | 'CLOSED';

export type AccountOpened = Readonly<{
  type: 'AccountOpened';
  data: Readonly<{
    accountId: string;
    /** The display name. */
    owner: string;
    /** The `sub` of whoever the account belongs to; null for an account opened before owners were recorded. */
    ownerId: string | null;
    currency: string;
    initialDeposit: bigint;
    balanceAfter: bigint;
    openedAt: Date;
  }>;
}>;

export type MoneyDeposited = Readonly<{
  type: 'MoneyDeposited';
  data: Readonly<{
    accountId: string;
    amount: bigint;
    balanceAfter: bigint;
    depositedAt: Date;
  }>;
}>;

export type MoneyWithdrawn = Readonly<{
  type: 'MoneyWithdrawn';
  data: Readonly<{
    accountId: string;
    amount: bigint;
    balanceAfter: bigint;
    withdrawnAt: Date;
  }>;
}>;

export type AccountFrozen = Readonly<{
  type: 'AccountFrozen';
  data: Readonly<{ accountId: string; reason: string | null; frozenAt: Date }>;
}>;

export type AccountUnfrozen = Readonly<{
  type: 'AccountUnfrozen';
  data: Readonly<{ accountId: string; unfrozenAt: Date }>;
}>;

export type AccountClosed = Readonly<{
  type: 'AccountClosed';
  data: Readonly<{ accountId: string; closedAt: Date }>;
}>;

/**
 * Transfer legs: what a transfer did to this account. Each names its transfer and the account on the
 * other side, and carries the balance and the reserved amount it left, so replay takes both as decided.
 */
type TransferLeg = Readonly<{
  accountId: string;
  transferId: string;
  counterpartyAccountId: string;
  amount: bigint;
  balanceAfter: bigint;
  reservedAfter: bigint;
}>;

/** The source of an immediate transfer: the amount left the account. */
export type TransferDebited = Readonly<{
  type: 'TransferDebited';
  data: TransferLeg & Readonly<{ debitedAt: Date }>;
}>;

/** The destination of an immediate transfer or of a posted hold: the amount arrived. */
export type TransferCredited = Readonly<{
  type: 'TransferCredited';
  data: TransferLeg & Readonly<{ creditedAt: Date }>;
}>;

/** The source of a pending transfer: the amount is reserved (`balance` unchanged, available drops). */
export type HoldPlaced = Readonly<{
  type: 'HoldPlaced';
  data: TransferLeg & Readonly<{ expiresAt: Date; placedAt: Date }>;
}>;

/**
 * The source of a posted hold: `amount` (at most the hold) left the account and the whole hold
 * (`heldAmount`, the amount that was reserved) is no longer reserved, in one fact, so no reader
 * ever sees the reservation gone but the debit not yet made.
 */
export type HoldPosted = Readonly<{
  type: 'HoldPosted';
  data: TransferLeg & Readonly<{ heldAmount: bigint; postedAt: Date }>;
}>;

export type HoldReleaseReason = 'VOIDED' | 'EXPIRED';

/** The source of a voided or expired hold: the reservation (`amount`) is released, nothing moved. */
export type HoldReleased = Readonly<{
  type: 'HoldReleased';
  data: TransferLeg & Readonly<{ reason: HoldReleaseReason; releasedAt: Date }>;
}>;

export type TransferLegEvent = TransferDebited | TransferCredited | HoldPlaced | HoldPosted | HoldReleased;

/** Whether an account event is one account's side of a transfer (it names the transfer and the counterparty). */
export function isTransferLeg(event: AccountEvent): event is TransferLegEvent {
  switch (event.type) {
    case 'TransferDebited':
    case 'TransferCredited':
    case 'HoldPlaced':
    case 'HoldPosted':
    case 'HoldReleased':
      return true;
    case 'AccountOpened':
    case 'MoneyDeposited':
    case 'MoneyWithdrawn':
    case 'AccountFrozen':
    case 'AccountUnfrozen':
    case 'AccountClosed':
      return false;
    default:
      return unhandled('event', event);
  }
}

export type AccountEvent =
  | AccountOpened
  | MoneyDeposited
  | MoneyWithdrawn
  | AccountFrozen
  | AccountUnfrozen
  | AccountClosed
  | TransferLegEvent;

export type AccountEventType = AccountEvent['type'];
