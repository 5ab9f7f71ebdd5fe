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
  | 'ack-mismatch';

export interface Difference {
  readonly kind: DifferenceKind;
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
];

export const ABSENT = 'absent';

/** A field's value as the differences show it: exact integers, ISO times, `null`. */
export function rendered(value: bigint | number | string | Date | null): string {
  if (value === null) return 'null';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
