/** A benchmark option that must be a positive number (rates may be fractional); throws otherwise. */
export function positiveNumber(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${value}`);
  return n;
}

/** A benchmark option that must be zero or a positive number (0 usually turns a phase off); throws otherwise. */
export function nonNegativeNumber(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be zero or a positive number, got ${value}`);
  return n;
}
