import { EVENT_STORE_APPENDED_CHANNEL, type NamedStatement } from './event-store.sql';

/**
 * A multi-stream append is ONE statement (see multi-stream-append.ts): one round trip, its own
 * implicit transaction, so any error rolls all of it back.
 *
 * It first locks and advances every stream row at once: an upsert fed by a sorted SELECT takes the
 * rows IN stream_id ORDER, as the batch statement does, so multi-stream appends and batches lock
 * common streams in one global order and cannot deadlock. Per stream it keeps the single append's
 * checks: expected version 0 wants no row yet and any other an existing row at that version, and
 * the commit-order guard (last_transaction_id below ours). Every write after it waits on `held`, which
 * reads the upsert to its end (so every stream row is held before anything else is written) and
 * divides by zero unless every stream passed: that error (22012, raised nowhere else in it) is how
 * the statement reports a stream off its expected version, having written nothing.
 *
 * Then it writes everything else: events, the idempotency key (no ON CONFLICT: a used key raises
 * 23505), snapshots, and deadlines (only of streams this transaction holds, so no other lock order
 * matters).
 * $1 one record per stream (stream_id, expected, next), $2 events (stream_id, version and the event's
 * columns), $3 snapshots, $4 deadlines (due_at null clears), $5..$9 key, scope, request hash, result
 * as text (cast to json: key order kept), the key's stream; $5 null: no key.
 */
const WRITE = `
  x AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (stream_id text, expected bigint, next bigint)
  ),
  fresh AS (
    SELECT x.*
      FROM x
      LEFT JOIN LATERAL (
             SELECT true AS present FROM event_store.streams st WHERE st.stream_id = x.stream_id LIMIT 1
           ) st ON true
     WHERE (x.expected = 0) = (st.present IS NULL)
  ),
  s AS (
    INSERT INTO event_store.streams AS cur (stream_id, version, last_transaction_id, updated_at)
    SELECT f.stream_id, f.next, pg_current_xact_id(), now() FROM fresh f ORDER BY f.stream_id
    ON CONFLICT (stream_id) DO UPDATE
       SET version = EXCLUDED.version, last_transaction_id = EXCLUDED.last_transaction_id, updated_at = EXCLUDED.updated_at
     WHERE cur.version = (SELECT f.expected FROM fresh f WHERE f.stream_id = EXCLUDED.stream_id)
       AND cur.last_transaction_id < EXCLUDED.last_transaction_id
    RETURNING cur.stream_id
  ),
  held AS MATERIALIZED (
    SELECT 1 / ((SELECT count(*) FROM s) = (SELECT count(*) FROM x))::int = 1 AS ok
  ),
  e AS (
    INSERT INTO event_store.events (stream_id, version, event_id, type, schema_version, data, metadata, occurred_at)
    SELECT v.stream_id, v.version, v.event_id, v.type, v.schema_version, v.data, v.metadata, v.occurred_at
      FROM jsonb_to_recordset($2::jsonb) AS v (
             stream_id text, version bigint, event_id uuid, type text, schema_version int,
             data jsonb, metadata jsonb, occurred_at timestamptz)
     WHERE (SELECT ok FROM held)
     ORDER BY v.stream_id, v.version
    RETURNING stream_id, global_position, transaction_id, version
  ),
  k AS (
    INSERT INTO event_store.idempotency_keys (key, scope, request_hash, result, stream_id)
    SELECT $5::text, $6::text, $7::text, $8::text::json, $9::text WHERE $5::text IS NOT NULL AND (SELECT ok FROM held)
  ),
  sn AS (
    INSERT INTO event_store.snapshots AS cur (stream_id, version, schema_version, state, created_at)
    SELECT p.stream_id, p.version, p.schema_version, p.state, now()
      FROM jsonb_to_recordset($3::jsonb) AS p (stream_id text, version bigint, schema_version int, state jsonb)
     WHERE (SELECT ok FROM held)
     ORDER BY p.stream_id
    ON CONFLICT (stream_id) DO UPDATE
       SET version = EXCLUDED.version, schema_version = EXCLUDED.schema_version,
           state = EXCLUDED.state, created_at = EXCLUDED.created_at
     WHERE cur.version <= EXCLUDED.version
  ),
  d AS (
    SELECT * FROM jsonb_to_recordset($4::jsonb) AS d (stream_id text, due_at timestamptz) WHERE (SELECT ok FROM held)
  ),
  dset AS (
    INSERT INTO event_store.stream_deadlines AS cur (stream_id, due_at)
    SELECT d.stream_id, d.due_at FROM d WHERE d.due_at IS NOT NULL ORDER BY d.stream_id
    ON CONFLICT (stream_id) DO UPDATE SET due_at = EXCLUDED.due_at
  ),
  dclear AS (
    DELETE FROM event_store.stream_deadlines cur USING d WHERE d.due_at IS NULL AND cur.stream_id = d.stream_id
  )`;

// Delivered on commit, naming the request's first stream (listeners take it as a wake-up).
const NOTIFY = `,
  n AS MATERIALIZED (
    SELECT pg_notify('${EVENT_STORE_APPENDED_CHANNEL}', $9::text) FROM held
  )`;

function writeStatement(notify: boolean): NamedStatement & { readonly notifies: boolean } {
  return {
    name: `event_store_append_streams_${notify ? 'notify' : 'quiet'}`,
    text:
      `WITH ${WRITE}${notify ? NOTIFY : ''}\n` +
      `SELECT e.stream_id, e.global_position::text AS global_position, e.transaction_id::text AS transaction_id, e.version\n` +
      `  FROM e CROSS JOIN held${notify ? ' CROSS JOIN (SELECT count(*) FROM n) AS notified' : ''}\n` +
      ` ORDER BY e.stream_id, e.version`,
    notifies: notify,
  };
}

const QUIET = writeStatement(false);
const NOTIFYING = writeStatement(true);

/** The whole append; the caller reads a division by zero as a stream conflict. */
export function appendStreamsStatement(notify: boolean): NamedStatement & { readonly notifies: boolean } {
  return notify ? NOTIFYING : QUIET;
}

/** After a conflict: where each stream of the request stands now. $1: the stream ids. */
export const STREAM_VERSIONS_STATEMENT: NamedStatement = {
  name: 'event_store_append_streams_versions',
  text: `SELECT stream_id, version FROM event_store.streams WHERE stream_id = ANY($1::text[])`,
};
