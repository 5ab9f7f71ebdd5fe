import type { ClientBase, Pool } from 'pg';
import { assertValidStreamId } from './append-request.validation';
import type { EventMetadata, JsonObject, StoredEvent } from './event-store.port';
import type { NamedStatement } from './event-store.sql';
import type { Upcaster } from './postgres-event-store';

export interface ReadStreamEventsOptions {
  /** Applied to every event read; identity when absent. */
  readonly upcast?: Upcaster;
}

interface StreamEventRow {
  readonly global_position: string;
  readonly transaction_id: string;
  readonly version: string;
  readonly event_id: string;
  readonly type: string;
  readonly schema_version: number;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
  readonly occurred_at: Date;
}

/** Every event of one stream, snapshots ignored: the whole history, for rebuilding a projection of it. */
export const READ_STREAM_EVENTS_STATEMENT: NamedStatement = {
  name: 'event_store_read_stream_events',
  text: `
    SELECT global_position::text AS global_position, transaction_id::text AS transaction_id,
           version::text AS version, event_id::text AS event_id, type, schema_version, data, metadata, occurred_at
      FROM event_store.events
     WHERE stream_id = $1::text
     ORDER BY version`,
};

/**
 * The stream's events from version 1, in version order, upcast to their current schema; empty when the
 * stream does not exist. One statement, so one consistent view: appends to a stream are serialised by
 * its stream row, so what a reader sees is always a gap-free prefix of the stream.
 */
export async function readStreamEvents(
  db: Pool | ClientBase,
  streamId: string,
  options: ReadStreamEventsOptions = {},
): Promise<StoredEvent[]> {
  assertValidStreamId(streamId);
  const { rows } = await db.query<StreamEventRow>({ ...READ_STREAM_EVENTS_STATEMENT, values: [streamId] });
  return rows.map((row) => toStoredEvent(streamId, row, options.upcast));
}

function toStoredEvent(streamId: string, row: StreamEventRow, upcast: Upcaster | undefined): StoredEvent {
  const version = Number(row.version);
  if (!Number.isSafeInteger(version)) throw new Error(`event store: version ${row.version} is not a safe integer`);
  const stored = { type: row.type, schemaVersion: row.schema_version, data: row.data, occurredAt: row.occurred_at };
  const current = upcast === undefined ? stored : upcast(stored);
  return {
    eventId: row.event_id,
    streamId,
    version,
    type: current.type,
    schemaVersion: current.schemaVersion,
    data: current.data,
    metadata: row.metadata,
    occurredAt: row.occurred_at,
    globalPosition: row.global_position,
    transactionId: row.transaction_id,
  };
}
