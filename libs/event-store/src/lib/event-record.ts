import type { NewEvent } from './event-store.port';

/** An event's columns as both append statements read them from jsonb (jsonb_to_recordset). */
export function eventRecord(event: NewEvent) {
  return {
    event_id: event.eventId,
    type: event.type,
    schema_version: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    occurred_at: event.occurredAt.toISOString(),
  };
}
