import type { Queryable } from './queryable';

export interface PruneIdempotencyKeysBatch {
  /** Keys created longer ago than this are deleted. */
  readonly olderThanSeconds: number;
  /** At most this many rows per statement, so no pruning statement holds many locks or a long transaction. */
  readonly batchSize: number;
}

/**
 * One small batch of expired keys, oldest first, through the `created_at` index. `SKIP LOCKED` lets
 * several replicas prune at once: each deletes rows no other is deleting, and none waits for another.
 * Deleting by `ctid` makes the outer DELETE hit exactly the rows the inner SELECT locked.
 */
const PRUNE_BATCH = {
  name: 'event_store_prune_idempotency_keys',
  text: `
    DELETE FROM event_store.idempotency_keys
     WHERE ctid IN (
             SELECT ctid FROM event_store.idempotency_keys
              WHERE created_at < now() - make_interval(secs => $1::float8)
              ORDER BY created_at
              LIMIT $2::int
                FOR UPDATE SKIP LOCKED)`,
};

/** Deletes one batch of keys past their retention; returns how many went (fewer than `batchSize`: none are left). */
export async function pruneIdempotencyKeysBatch(db: Queryable, batch: PruneIdempotencyKeysBatch): Promise<number> {
  const { olderThanSeconds, batchSize } = batch;
  if (!Number.isFinite(olderThanSeconds) || olderThanSeconds < 0) {
    throw new Error('event store: olderThanSeconds must be a non-negative number');
  }
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error('event store: batchSize must be a positive integer');
  const { rowCount } = await db.query({ ...PRUNE_BATCH, values: [olderThanSeconds, batchSize] });
  return rowCount ?? 0;
}
