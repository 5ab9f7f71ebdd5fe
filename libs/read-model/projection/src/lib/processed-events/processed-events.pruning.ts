import type { ClientBase, Pool } from 'pg';
import { PRUNE_PROCESSED_EVENTS } from '../writer/projection.sql';

export interface PruneOptions {
  /** Rows recorded longer ago than this are deleted. */
  readonly olderThanSeconds: number;
  /** Rows per statement: each chunk is its own short transaction. */
  readonly chunkSize: number;
  /** Stops between chunks (shutdown). */
  readonly signal?: AbortSignal;
}

/**
 * Deletes old `processed_events` rows chunk by chunk until none is left to delete; returns how many.
 * Safe to run from several replicas at once: a row another replica deleted first is simply skipped.
 * The version guard on each account keeps duplicates out once their ids are gone.
 */
export async function pruneProcessedEvents(db: Pool | ClientBase, options: PruneOptions): Promise<number> {
  let total = 0;
  while (options.signal?.aborted !== true) {
    const { rowCount } = await db.query(PRUNE_PROCESSED_EVENTS, [options.olderThanSeconds, options.chunkSize]);
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < options.chunkSize) break;
  }
  return total;
}
