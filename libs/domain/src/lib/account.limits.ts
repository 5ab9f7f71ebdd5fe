/**
 * Limits shared by `decide` and the codec. Money is bigint minor units, but balances and amounts stay
 * within the JS safe-integer range so every client (JSON numbers included) can represent them exactly.
 */
export const MAX_MONEY_MINOR_UNITS = BigInt(Number.MAX_SAFE_INTEGER);

export const OWNER_MAX_LENGTH = 200;
/** An owner id is a token subject, which OpenID Connect caps at 255 ASCII characters. */
export const OWNER_ID_MAX_LENGTH = 255;
export const FREEZE_REASON_MAX_LENGTH = 500;

const CURRENCY_PATTERN = /^[A-Z]{3}$/;

/** A deposit or withdrawal amount: 1 .. MAX_MONEY_MINOR_UNITS. */
export function isValidAmount(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= 1n && value <= MAX_MONEY_MINOR_UNITS;
}

/** An opening deposit: 0 .. MAX_MONEY_MINOR_UNITS. */
export function isValidInitialDeposit(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= 0n && value <= MAX_MONEY_MINOR_UNITS;
}

/** ISO 4217 shape only (three upper-case letters); whether the code is assigned is not checked. */
export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && CURRENCY_PATTERN.test(value);
}

/** Length in code points, so an emoji or accented name counts as a person would count it. */
export function codePointLength(value: string): number {
  return [...value].length;
}

export function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** Events must not share a mutable Date with the command that produced them. */
export function copyDate(date: Date): Date {
  return new Date(date.getTime());
}
