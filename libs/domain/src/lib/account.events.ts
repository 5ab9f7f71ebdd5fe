/**
 * Events are the facts the account decided. Each one carries what replay needs (amounts and the
 * resulting balance), so replay never re-runs today's rules.
 */
export type AccountStatus = 'ACTIVE' | 'FROZEN' | 'CLOSED';

export type AccountOpened = Readonly<{
  type: 'AccountOpened';
  data: Readonly<{
    accountId: string;
    owner: string;
    /** The `sub` of the token that opened the account; null: no owner, only operators reach it. */
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

export type AccountEvent = AccountOpened | MoneyDeposited | MoneyWithdrawn | AccountFrozen | AccountUnfrozen | AccountClosed;

export type AccountEventType = AccountEvent['type'];
