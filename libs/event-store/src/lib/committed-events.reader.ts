import type { ClientBase } from 'pg';
import type { EventMetadata, JsonObject } from './event-store.port';

/**
 * A place in the commit order: the (transaction id, global position) of an event. Both as decimal
 * strings: xid8 and bigint exceed 2^53.
 */
export interface CommitPosition {
  readonly transactionId: string;
  readonly globalPosition: string;
}

/** Before the first event ever committed. */
export const COMMIT_ORIGIN: CommitPosition = { transactionId: '0', globalPosition: '0' };

/** An event as stored (not upcast: readers decode it), with its place in the commit order. */
export interface CommittedEvent extends CommitPosition {
  readonly streamId: string;
  readonly version: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
  readonly occurredAt: Date;
  readonly recordedAt: Date;
}

/** One row of READ_COMMITTED_BATCH, in column order: rows come as arrays, which pg parses faster than objects. */
type CommittedEventRow = [
  transactionId: string,
  globalPosition: string,
  streamId: string,
  version: string,
  eventId: string,
  type: string,
  schemaVersion: number,
  data: JsonObject,
  metadata: EventMetadata,
  occurredAt: Date,
  recordedAt: Date,
];

/**
 * Committed events after a position, in commit order, without ever skipping one.
 *
 * Ordering by global_position alone is not enough: a lower position can commit after a higher one.
 * Instead only transactions below the snapshot's xmin are read: every one of them has finished, so
 * nothing can still appear behind the position. Rows of a transaction still running (and of every
 * later one) wait for the next read; rolled-back rows are never visible.
 */
export const READ_COMMITTED_BATCH = {
  name: 'event_store_read_committed_batch',
  text: `
    SELECT e.transaction_id::text AS transaction_id, e.global_position::text AS global_position,
           e.stream_id, e.version::text AS version, e.event_id::text AS event_id, e.type, e.schema_version,
           e.data, e.metadata, e.occurred_at, e.recorded_at
      FROM event_store.events e
     WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
       AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     -- Qualified on purpose: the bare names would sort by the text aliases above ('10' < '9').
     ORDER BY e.transaction_id, e.global_position
     LIMIT $3::int`,
} as const;

/** Up to `limit` events committed after `after`, in commit order (see READ_COMMITTED_BATCH). */
export async function readCommittedBatch(session: ClientBase, after: CommitPosition, limit: number): Promise<CommittedEvent[]> {
  const { rows } = await session.query<CommittedEventRow>({
    ...READ_COMMITTED_BATCH,
    values: [after.transactionId, after.globalPosition, limit],
    rowMode: 'array',
  });
  return rows.map(toCommittedEvent);
}

/**
 * READ_COMMITTED_BATCH, and whether events committed after the position are hidden by the horizon (a
 * transaction older than theirs, an append still committing or any other writer in the cluster, is
 * still running: the reader has work the moment it ends, which nothing announces, so it should look
 * again soon rather than wait for the next append's notification), in one round trip on one snapshot:
 * the batch, then, when events wait beyond the horizon, one more row of NULLs flagged `held_back`
 * (NULLs sort last).
 *
 * The probe beyond the horizon starts the index scan at the horizon, not at the position: with both
 * bounds on the first column, the scan would start at the row comparison and walk every entry up to the
 * horizon. Hence one row comparison whose bound is the later of the two: `(xmin, 0)` when the horizon
 * is past the position's transaction (positions start at 1), else the position itself. It is a
 * scalar subquery with LIMIT 1 rather than EXISTS, whose generic plan may scan the table sequentially.
 */
export const READ_COMMITTED_OR_HELD_BACK = {
  name: 'event_store_read_committed_or_held_back',
  text: `
    SELECT r.transaction_id::text AS transaction_id, r.global_position::text AS global_position,
           r.stream_id, r.version::text AS version, r.event_id::text AS event_id, r.type, r.schema_version,
           r.data, r.metadata, r.occurred_at, r.recorded_at, r.held_back
      FROM (
        (SELECT e.transaction_id, e.global_position, e.stream_id, e.version, e.event_id, e.type, e.schema_version,
                e.data, e.metadata, e.occurred_at, e.recorded_at, false AS held_back
           FROM event_store.events e
          WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
            AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY e.transaction_id, e.global_position
          LIMIT $3::int)
        UNION ALL
        SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, true
         WHERE (SELECT e.global_position
                  FROM event_store.events e
                 WHERE (e.transaction_id, e.global_position) > (
                         GREATEST($1::xid8, pg_snapshot_xmin(pg_current_snapshot())),
                         CASE WHEN pg_snapshot_xmin(pg_current_snapshot()) > $1::xid8 THEN 0 ELSE $2::bigint END)
                 ORDER BY e.transaction_id, e.global_position
                 LIMIT 1) IS NOT NULL
      ) r
     ORDER BY r.transaction_id, r.global_position`,
} as const;

/** What one read of the relay found: events in commit order, and whether more wait beyond the horizon. */
export interface CommittedRead {
  /** Up to the limit; fewer means every event committed after the position below the horizon. */
  readonly events: CommittedEvent[];
  /**
   * Committed events after the position are hidden behind an older transaction still running: they
   * become readable when it ends, which nothing announces.
   */
  readonly heldBack: boolean;
}

/** readCommittedBatch, and whether more wait beyond the horizon, in one statement (see READ_COMMITTED_OR_HELD_BACK). */
export async function readCommittedOrHeldBack(session: ClientBase, after: CommitPosition, limit: number): Promise<CommittedRead> {
  const { rows } = await session.query<[...CommittedEventRow, heldBack: boolean]>({
    ...READ_COMMITTED_OR_HELD_BACK,
    values: [after.transactionId, after.globalPosition, limit],
    rowMode: 'array',
  });
  const heldBack = rows[rows.length - 1]?.[11] === true;
  if (heldBack) rows.pop();
  return { events: rows.map(toCommittedEvent), heldBack };
}

/** Every stored event, committed or not yet visible: an estimate of the work ahead of a full read. */
export async function countStoredEvents(session: Pick<ClientBase, 'query'>): Promise<number> {
  const { rows } = await session.query<{ count: string }>(`SELECT count(*)::text AS count FROM event_store.events`);
  return Number(rows[0]?.count ?? 0);
}

/** Takes the columns of READ_COMMITTED_BATCH, and ignores any after them (`held_back`). */
function toCommittedEvent(row: readonly [...CommittedEventRow, ...unknown[]]): CommittedEvent {
  const [transactionId, globalPosition, streamId, versionText, eventId, type, schemaVersion, data, metadata, occurredAt, recordedAt] = row;
  const version = Number(versionText);
  if (!Number.isSafeInteger(version)) {
    throw new Error(`event store: event ${eventId} has version ${versionText}, beyond a safe integer`);
  }
  return { transactionId, globalPosition, streamId, version, eventId, type, schemaVersion, data, metadata, occurredAt, recordedAt };
}
