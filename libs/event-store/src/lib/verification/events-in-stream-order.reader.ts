import type { ClientBase } from 'pg';
import { assertValidStreamId } from '../append-request.validation';
import type { StoredEvent } from '../event-store.port';
import type { NamedStatement } from '../event-store.sql';
import { storedEventFromRow, type StoredEventRow } from '../stored-event.row';

export interface EventsInStreamOrderOptions {
  /** Events per round trip: what is held in memory at a time. */
  readonly batchSize: number;
  /** Only this stream's events. */
  readonly streamId?: string;
}

type StreamOrderRow = StoredEventRow & { readonly stream_id: string };

const COLUMNS = `stream_id, global_position::text AS global_position, transaction_id::text AS transaction_id,
  version::text AS version, event_id::text AS event_id, type, schema_version, data, metadata, occurred_at`;

/**
 * Keyset pages over the (stream_id, version) unique index: each page starts where the last ended, so
 * a read of the whole store costs one index scan and holds one page in memory.
 */
export const READ_EVENTS_IN_STREAM_ORDER: NamedStatement = {
  name: 'event_store_read_events_in_stream_order',
  text: `
    SELECT ${COLUMNS}
      FROM event_store.events e
     WHERE (e.stream_id, e.version) > ($1::text, $2::bigint)
     -- Qualified on purpose: the bare names would sort by the text aliases above ('10' < '9').
     ORDER BY e.stream_id, e.version
     LIMIT $3::int`,
};

export const READ_ONE_STREAM_IN_PAGES: NamedStatement = {
  name: 'event_store_read_one_stream_in_pages',
  text: `
    SELECT ${COLUMNS}
      FROM event_store.events e
     WHERE e.stream_id = $1::text AND e.version > $2::bigint
     ORDER BY e.version
     LIMIT $3::int`,
};

/**
 * Every stored event (or one stream's), ordered by stream id then version, as stored (not upcast:
 * the reader decodes). For a whole-store comparison in bounded memory; run it inside a REPEATABLE READ
 * transaction on `session` for one consistent view across pages.
 */
export async function* eventsInStreamOrder(session: ClientBase, options: EventsInStreamOrderOptions): AsyncGenerator<StoredEvent> {
  if (!Number.isSafeInteger(options.batchSize) || options.batchSize < 1)
    throw new Error(`batch size must be a positive integer, got ${options.batchSize}`);
  if (options.streamId !== undefined) assertValidStreamId(options.streamId);
  const statement = options.streamId === undefined ? READ_EVENTS_IN_STREAM_ORDER : READ_ONE_STREAM_IN_PAGES;
  let after: { streamId: string; version: string } = { streamId: options.streamId ?? '', version: '0' };
  for (;;) {
    const { rows } = await session.query<StreamOrderRow>({ ...statement, values: [after.streamId, after.version, options.batchSize] });
    for (const row of rows) yield storedEventFromRow(row.stream_id, row);
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < options.batchSize) return;
    after = { streamId: last.stream_id, version: last.version };
  }
}
