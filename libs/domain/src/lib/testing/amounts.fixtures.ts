/** The largest amount a command may name: money must stay exact as a JSON number too. */
export const MAX_AMOUNT = BigInt(Number.MAX_SAFE_INTEGER);

/** Amounts every money-moving command refuses with InvalidAmount, labelled for `it.each`. */
export const invalidAmounts: ReadonlyArray<readonly [string, bigint]> = [
  ['zero', 0n],
  ['negative', -1n],
  ['above the safe maximum', MAX_AMOUNT + 1n],
  ['a number, not a bigint', 300 as unknown as bigint],
];
