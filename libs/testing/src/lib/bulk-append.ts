import type { JsonObject } from '@ledger/primitives';
import type { Pool } from 'pg';

/**
 * An event of the store (the fields of @ledger/event-store's NewEvent, which any of them satisfies) with
 * its stream and version. Spelt out rather than imported: the store's own specs use this seeding, and an
 * import back into the store would make the two libs depend on each other.
 */
export interface BulkEvent {
  readonly streamId: string;
  readonly version: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: JsonObject;
  readonly metadata: object;
  readonly occurredAt: Date;
}

/**
 * Seeds the store for tests and benchmarks: all `events` in ONE statement (one transaction, one
 * commit), in the order given, streams created or moved to their highest version. It skips what
 * `append` guarantees (expected versions, idempotency): the caller gives each stream's versions
 * contiguously and in order; the unique (stream, version) and event id keys still hold.
 */
export async function bulkAppend(pool: Pick<Pool, 'query'>, events: readonly BulkEvent[]): Promise<void> {
  if (events.length === 0) return;
  const top = new Map<string, number>();
  for (const e of events) top.set(e.streamId, Math.max(top.get(e.streamId) ?? 0, e.version));
  await pool.query(
    `WITH s AS (
       INSERT INTO event_store.streams (stream_id, version, last_transaction_id, updated_at)
       SELECT stream_id, version, pg_current_xact_id(), now() FROM unnest($1::text[], $2::bigint[]) AS t (stream_id, version)
       ON CONFLICT (stream_id) DO UPDATE
          SET version = GREATEST(streams.version, EXCLUDED.version), last_transaction_id = EXCLUDED.last_transaction_id,
              updated_at = EXCLUDED.updated_at
     )
     INSERT INTO event_store.events (stream_id, version, event_id, type, schema_version, data, metadata, occurred_at)
     SELECT x.stream_id, x.version, x.event_id, x.type, x.schema_version, x.data, x.metadata, x.occurred_at
       FROM unnest($3::text[], $4::bigint[], $5::uuid[], $6::text[], $7::int[], $8::jsonb[], $9::jsonb[], $10::timestamptz[])
            WITH ORDINALITY AS x (stream_id, version, event_id, type, schema_version, data, metadata, occurred_at, ord)
      ORDER BY x.ord`,
    [
      [...top.keys()],
      [...top.values()],
      events.map((e) => e.streamId),
      events.map((e) => e.version),
      events.map((e) => e.eventId),
      events.map((e) => e.type),
      events.map((e) => e.schemaVersion),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => JSON.stringify(e.metadata)),
      events.map((e) => e.occurredAt.toISOString()),
    ],
  );
}
