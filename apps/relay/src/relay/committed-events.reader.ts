import type { EnvelopeJsonObject, EnvelopeMetadata } from '@ledger/messaging';
import type { ClientBase } from 'pg';
import type { Checkpoint } from './checkpoint';

export interface CommittedEvent {
  readonly transactionId: string;
  readonly globalPosition: string;
  readonly streamId: string;
  readonly version: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: EnvelopeJsonObject;
  readonly metadata: EnvelopeMetadata;
  readonly occurredAt: Date;
  readonly recordedAt: Date;
}

interface CommittedEventRow {
  readonly transaction_id: string;
  readonly global_position: string;
  readonly stream_id: string;
  readonly version: string;
  readonly event_id: string;
  readonly type: string;
  readonly schema_version: number;
  readonly data: EnvelopeJsonObject;
  readonly metadata: EnvelopeMetadata;
  readonly occurred_at: Date;
  readonly recorded_at: Date;
}

/**
 * Committed events after the checkpoint, in commit order, without ever skipping one.
 *
 * Ordering by global_position alone is not enough: a lower position can commit after a higher one.
 * Instead only transactions below the snapshot's xmin are read: every one of them has finished, so
 * nothing can still appear behind the checkpoint. Rows of a transaction still running (and of every
 * later one) wait for the next read; rolled-back rows are never visible.
 */
export const READ_COMMITTED_BATCH = {
  name: 'relay_read_committed_batch',
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

export async function readCommittedBatch(
  session: ClientBase,
  after: Checkpoint,
  limit: number,
): Promise<CommittedEvent[]> {
  const { rows } = await session.query<CommittedEventRow>({
    ...READ_COMMITTED_BATCH,
    values: [after.transactionId, after.globalPosition, limit],
  });
  return rows.map(toCommittedEvent);
}

function toCommittedEvent(row: CommittedEventRow): CommittedEvent {
  const version = Number(row.version);
  if (!Number.isSafeInteger(version)) {
    throw new Error(`relay: event ${row.event_id} has version ${row.version}, beyond a safe integer`);
  }
  return {
    transactionId: row.transaction_id,
    globalPosition: row.global_position,
    streamId: row.stream_id,
    version,
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
  };
}
