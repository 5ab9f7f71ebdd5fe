/**
 * What a consistency check finds: one value the read model (or the event store itself, or an
 * acknowledged command) disagrees on. Values are rendered as text so every kind prints and compares alike.
 */
export type DifferenceKind =
  /** A stream with no account row. */
  | 'missing-account'
  /** An account row with no stream behind it. */
  | 'extra-account'
  | 'account-field'
  /** An event with no history row. */
  | 'missing-transaction'
  /** A history row with no event behind it. */
  | 'extra-transaction'
  | 'transaction-field'
  /** The store's own history is broken: unreadable, a gap, an event that cannot attach, wrong arithmetic. */
  | 'event-store'
  /** An acknowledged command whose event is not in the store, or not in the read model. */
  | 'missing-ack'
  /** An acknowledged command whose event in the store or the read model is another one. */
  | 'ack-mismatch'
  /** Money not conserved: a currency's balances against its deposits and withdrawals, an account's reserved amount against its pending holds. */
  | 'conservation'
  /** A transfer and its legs disagree in the store (a leg missing, extra or for another amount), or a hold outlived its deadline. */
  | 'transfer'
  /** A transfer, one of its states or one of its legs that the read model lacks. */
  | 'missing-transfer'
  /** A transfer row, state or leg in the read model with nothing behind it in the store. */
  | 'extra-transfer'
  | 'transfer-field';

export interface Difference {
  readonly kind: DifferenceKind;
  /**
   * Where: the account (its id, which is its stream's), a transfer's stream (`transfer-<id>`), or a
   * currency for a sum over all accounts.
   */
  readonly accountId: string;
  /** `balance`, `transaction v3 amount`, `event v4`, `ack v2 deposit`. */
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
}

export const DIFFERENCE_KINDS: readonly DifferenceKind[] = [
  'missing-account',
  'extra-account',
  'account-field',
  'missing-transaction',
  'extra-transaction',
  'transaction-field',
  'event-store',
  'missing-ack',
  'ack-mismatch',
  'conservation',
  'transfer',
  'missing-transfer',
  'extra-transfer',
  'transfer-field',
];

export const ABSENT = 'absent';

/** A field's value as the differences show it: exact integers, ISO times, `null`. */
export function rendered(value: bigint | number | string | Date | null): string {
  if (value === null) return 'null';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
