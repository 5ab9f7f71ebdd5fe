import { assertValidStreamId } from './append-request.validation';
import type { StoredEvent, Upcaster } from './event-store.port';
import type { NamedStatement } from './event-store.sql';
import type { Queryable } from './queryable';
import { storedEventFromRow, type StoredEventRow } from './stored-event.row';

export interface ReadStreamEventsOptions {
  /** Applied to every event read; identity when absent. */
  readonly upcast?: Upcaster;
}

/** Every event of one stream, snapshots ignored: the whole history, for rebuilding a projection of it. */
export const READ_STREAM_EVENTS_STATEMENT: NamedStatement = {
  name: 'event_store_read_stream_events',
  text: `
    SELECT global_position::text AS global_position, transaction_id::text AS transaction_id,
           version::text AS version, event_id::text AS event_id, type, schema_version, data, metadata, occurred_at
      FROM event_store.events e
     WHERE e.stream_id = $1::text
     -- Qualified on purpose: the bare name would sort by the text alias above ('10' < '9').
     ORDER BY e.version`,
};

/**
 * The stream's events from version 1, in version order, upcast to their current schema; empty when the
 * stream does not exist. One statement, so one consistent view: appends to a stream are serialised by
 * its stream row, so what a reader sees is always a gap-free prefix of the stream.
 */
export async function readStreamEvents(db: Queryable, streamId: string, options: ReadStreamEventsOptions = {}): Promise<StoredEvent[]> {
  assertValidStreamId(streamId);
  const { rows } = await db.query<StoredEventRow>({ ...READ_STREAM_EVENTS_STATEMENT, values: [streamId] });
  return rows.map((row) => storedEventFromRow(streamId, row, options.upcast));
}
