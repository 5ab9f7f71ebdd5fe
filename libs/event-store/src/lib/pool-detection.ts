import type { Queryable } from './queryable';

/**
 * A pool (as opposed to one session): it runs several statements at once, which group commit needs.
 * A single session runs one statement at a time, possibly inside its caller's transaction, where a
 * failed batch could not be retried item by item.
 */
export function isPool(db: Queryable): boolean {
  const candidate = db as { totalCount?: unknown; connect?: unknown; release?: unknown };
  return typeof candidate.totalCount === 'number' && typeof candidate.connect === 'function' && candidate.release === undefined;
}
