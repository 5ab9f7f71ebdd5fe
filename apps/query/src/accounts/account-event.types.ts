import type { AccountEventType } from '@ledger/domain';

/**
 * What an event does to the balance: a credit adds its amount, a debit takes it, a hold only changes
 * what is reserved (balance unchanged), a status change moves nothing. HoldPosted is the debit of a
 * posted hold (its amount is what was posted).
 */
export type BalanceEffect = 'credit' | 'debit' | 'hold' | 'status';

// A Record, so a new account event type does not compile until its effect is decided here.
const EFFECTS: Readonly<Record<AccountEventType, BalanceEffect>> = {
  AccountOpened: 'credit',
  MoneyDeposited: 'credit',
  MoneyWithdrawn: 'debit',
  AccountFrozen: 'status',
  AccountUnfrozen: 'status',
  AccountClosed: 'status',
  TransferDebited: 'debit',
  TransferCredited: 'credit',
  HoldPlaced: 'hold',
  HoldPosted: 'debit',
  HoldReleased: 'hold',
};

export const ACCOUNT_EVENT_TYPES = Object.keys(EFFECTS) as readonly AccountEventType[];

export const isAccountEventType = (value: string): value is AccountEventType => Object.hasOwn(EFFECTS, value);

/** An unknown type (a newer projector's) counts as a status change: it is shown, and moves no total. */
export const balanceEffectOf = (type: string): BalanceEffect => (isAccountEventType(type) ? EFFECTS[type] : 'status');

export const typesWithEffect = (effect: BalanceEffect): AccountEventType[] =>
  ACCOUNT_EVENT_TYPES.filter((type) => EFFECTS[type] === effect);
