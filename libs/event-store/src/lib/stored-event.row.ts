import type { EventMetadata, JsonObject, StoredEvent, Upcaster } from './event-store.port';

/** An event row of `event_store.events` as the readers select it (bigints as text). */
export interface StoredEventRow {
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

/** bigint columns arrive as strings; a stream's version stays far below 2^53. */
export function toVersion(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`event store: version ${value} is not a safe integer`);
  return n;
}

/** The row's event of `streamId`, upcast to its current schema (as stored when there is no upcaster). */
export function storedEventFromRow(streamId: string, row: StoredEventRow, upcast?: Upcaster): StoredEvent {
  const version = toVersion(row.version);
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
