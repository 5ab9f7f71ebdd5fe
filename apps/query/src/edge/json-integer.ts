const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A bigint column (arriving as a decimal string) as a JSON number. Balances, amounts, versions and
 * counts stay within the safe range by the domain's rules, so a value beyond it is a broken invariant.
 */
export function safeInteger(decimal: string): number {
  const value = BigInt(decimal);
  if (value > MAX_SAFE || value < -MAX_SAFE) throw new RangeError(`${decimal} is beyond the safe integer range`);
  return Number(value);
}

/** A running total: a JSON number while a double holds it exactly, else its decimal string, never rounded. */
export function exactInteger(decimal: string): number | string {
  const value = BigInt(decimal);
  return value > MAX_SAFE ? value.toString() : Number(value);
}
