import type { EventMetadata, JsonObject, StoredEvent } from './event-store.port';

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

/** The row's event of `streamId`, as written (readers upcast what they decode). */
export function storedEventFromRow(streamId: string, row: StoredEventRow): StoredEvent {
  return {
    eventId: row.event_id,
    streamId,
    version: toVersion(row.version),
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    occurredAt: row.occurred_at,
    globalPosition: row.global_position,
    transactionId: row.transaction_id,
  };
}
