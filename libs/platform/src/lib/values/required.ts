/**
 * `value` when it is there, else an Error naming what was missing: for values the caller knows exist
 * (a row a foreign key keeps, an item at an index it just computed), so a broken assumption fails
 * with a clear message instead of a TypeError further on.
 */
export function required<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}, found none`);
  return value;
}

/** The first item of a list the caller knows is not empty (the row an INSERT ... RETURNING gives back). */
export function first<T>(items: readonly T[], what: string): T {
  return required(items[0], what);
}
