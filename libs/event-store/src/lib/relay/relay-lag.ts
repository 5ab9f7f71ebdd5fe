import type { Queryable } from '../queryable';

/** How far a relay is behind the store. */
export interface RelayLag {
  /** Committed events after the checkpoint, counted up to `RELAY_LAG_COUNT_CAP`. */
  readonly pendingEvents: number;
  /** Age of the first event after the checkpoint in commit order; 0 when caught up. */
  readonly oldestUnrelayedAgeSeconds: number;
  /** Age of the oldest transaction holding an xid, anywhere in the cluster; 0 when there is none. */
  readonly oldestOpenTransactionAgeSeconds: number;
}

/** Counting stops here: a sample must stay cheap however far behind the relay is. */
export const RELAY_LAG_COUNT_CAP = 1_000_000;

interface LagRow {
  readonly pending: string;
  readonly oldest_unrelayed_age: number | null;
  readonly oldest_open_transaction_age: number | null;
}

/**
 * Horizon: `pg_snapshot_xmin` is the oldest transaction that holds an xid (it wrote something), and
 * the relay cannot pass it until it ends. A transaction that only reads (backend_xmin, no xid) does
 * not hold the relay back, so it is not counted. The view is cluster-wide, like the horizon.
 */
const SAMPLE_LAG = {
  name: 'relay_sample_lag',
  text: `
    WITH cp AS (
      SELECT coalesce((SELECT transaction_id FROM event_store.relay_checkpoints WHERE name = $1), '0'::xid8) AS xid,
             coalesce((SELECT global_position FROM event_store.relay_checkpoints WHERE name = $1), 0) AS pos
    )
    SELECT
      (SELECT count(*) FROM (
         SELECT 1 FROM event_store.events e, cp
          WHERE (e.transaction_id, e.global_position) > (cp.xid, cp.pos) LIMIT ${RELAY_LAG_COUNT_CAP}) p
      )::text AS pending,
      (SELECT extract(epoch FROM clock_timestamp() - e.recorded_at)::float8
         FROM event_store.events e, cp
        WHERE (e.transaction_id, e.global_position) > (cp.xid, cp.pos)
        ORDER BY e.transaction_id, e.global_position LIMIT 1) AS oldest_unrelayed_age,
      (SELECT extract(epoch FROM max(clock_timestamp() - xact_start))::float8
         FROM pg_stat_activity
        WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()) AS oldest_open_transaction_age`,
};

/** One sample of the named relay's lag (a relay that never saved a checkpoint is at the origin). */
export async function sampleRelayLag(db: Queryable, relayName: string): Promise<RelayLag> {
  const { rows } = await db.query<LagRow>({ ...SAMPLE_LAG, values: [relayName] });
  const row = rows[0];
  return {
    pendingEvents: Number(row?.pending ?? 0),
    oldestUnrelayedAgeSeconds: Math.max(0, row?.oldest_unrelayed_age ?? 0),
    oldestOpenTransactionAgeSeconds: Math.max(0, row?.oldest_open_transaction_age ?? 0),
  };
}
