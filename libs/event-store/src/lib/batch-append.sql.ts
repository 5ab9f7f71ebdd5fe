import { EVENT_STORE_APPENDED_CHANNEL, type AppendStatement } from './event-store.sql';

/**
 * Many appends to distinct streams as ONE statement and one commit (group commit, docs/design.md §11).
 * $1: the items as a jsonb array, one per stream; $2: their events as a jsonb array.
 *
 * Per item it keeps what the single append guarantees:
 * - its own expected-version check, and the commit-order guard (last_transaction_id below ours), on
 *   the stream row; an item that fails them writes nothing and the rest commit;
 * - the stream rows are written before anything else and IN stream_id ORDER (an upsert fed by a sorted
 *   SELECT), so two batches lock common streams in the same order and cannot deadlock; events, keys
 *   and snapshots are written only after every stream row, because each of those inserts sorts what
 *   it reads from the stream CTE, which makes it read that CTE to the end first;
 * - an idempotency key already committed is answered without an error (the item is left out, and the
 *   caller finds the record); a key being committed by another transaction right now raises 23505
 *   and the caller falls back to appending the batch's items one by one.
 */
const ITEMS = `
  x AS (
    SELECT *
      FROM jsonb_to_recordset($1::jsonb) AS x (
             stream_id text, expected bigint, next bigint,
             key text, scope text, request_hash text, result text,
             snapshot_version bigint, snapshot_schema_version int, snapshot_state jsonb)
  )`;

// LATERAL ... LIMIT 1 pins both look-ups to one index probe per item whatever the planner estimates.
// The stream row's presence decides up front what the upsert may do: expected 0 wants no row yet,
// any other expected version an existing one (so the upsert below never creates a stream for it).
const FRESH = `
  fresh AS (
    SELECT x.*
      FROM x
      LEFT JOIN LATERAL (
             SELECT true AS used FROM event_store.idempotency_keys k WHERE k.scope = x.scope AND k.key = x.key LIMIT 1
           ) k ON true
      LEFT JOIN LATERAL (
             SELECT true AS present FROM event_store.streams st WHERE st.stream_id = x.stream_id LIMIT 1
           ) st ON true
     WHERE k.used IS NULL
       AND (x.expected = 0) = (st.present IS NULL)
  )`;

// A row another transaction creates meanwhile fails "version = expected" (0 is never stored), as does
// one another transaction moved on; the guard refuses a row last written by a younger transaction.
const STREAMS = `
  s AS (
    INSERT INTO event_store.streams AS cur (stream_id, version, last_transaction_id, updated_at)
    SELECT f.stream_id, f.next, pg_current_xact_id(), now() FROM fresh f ORDER BY f.stream_id
    ON CONFLICT (stream_id) DO UPDATE
       SET version = EXCLUDED.version, last_transaction_id = EXCLUDED.last_transaction_id, updated_at = EXCLUDED.updated_at
     WHERE cur.version = (SELECT f.expected FROM fresh f WHERE f.stream_id = EXCLUDED.stream_id)
       AND cur.last_transaction_id < EXCLUDED.last_transaction_id
    RETURNING cur.stream_id
  ),
  ok AS (
    SELECT f.* FROM fresh f JOIN s ON s.stream_id = f.stream_id
  )`;

const EVENTS = `
  e AS (
    INSERT INTO event_store.events (stream_id, version, event_id, type, schema_version, data, metadata, occurred_at)
    SELECT ok.stream_id, v.version, v.event_id, v.type, v.schema_version, v.data, v.metadata, v.occurred_at
      FROM jsonb_to_recordset($2::jsonb) AS v (
             stream_id text, version bigint, event_id uuid, type text, schema_version int,
             data jsonb, metadata jsonb, occurred_at timestamptz)
      JOIN ok ON ok.stream_id = v.stream_id
     ORDER BY ok.stream_id, v.version
    RETURNING stream_id, global_position, transaction_id, version
  )`;

// The result travels as text and is cast to json here: through jsonb its keys would be reordered.
const KEYS = `
  k AS (
    INSERT INTO event_store.idempotency_keys (key, scope, request_hash, result, stream_id)
    SELECT ok.key, ok.scope, ok.request_hash, ok.result::json, ok.stream_id
      FROM ok
     WHERE ok.key IS NOT NULL
     ORDER BY ok.scope, ok.key
  )`;

const SNAPSHOTS = `
  sn AS (
    INSERT INTO event_store.snapshots AS cur (stream_id, version, schema_version, state, created_at)
    SELECT ok.stream_id, ok.snapshot_version, ok.snapshot_schema_version, ok.snapshot_state, now()
      FROM ok
     WHERE ok.snapshot_version IS NOT NULL
     ORDER BY ok.stream_id
    ON CONFLICT (stream_id) DO UPDATE
       SET version = EXCLUDED.version, schema_version = EXCLUDED.schema_version,
           state = EXCLUDED.state, created_at = EXCLUDED.created_at
     WHERE cur.version <= EXCLUDED.version
  )`;

// One notification per batch, naming one of its streams (listeners take it as a wake-up), delivered
// on commit. The main query reads it through an aggregate so that it runs.
const NOTIFY = `
  n AS MATERIALIZED (
    SELECT pg_notify('${EVENT_STORE_APPENDED_CHANNEL}', min(s.stream_id)) FROM s HAVING count(*) > 0
  )`;

const QUIET = buildBatchAppendStatement(false);
const NOTIFYING = buildBatchAppendStatement(true);

export function batchAppendStatement(notify: boolean): AppendStatement {
  return notify ? NOTIFYING : QUIET;
}

function buildBatchAppendStatement(notify: boolean): AppendStatement {
  const ctes = [ITEMS, FRESH, STREAMS, EVENTS, KEYS, SNAPSHOTS, ...(notify ? [NOTIFY] : [])];
  const text =
    `WITH ${ctes.join(',')}\n` +
    `SELECT e.stream_id, e.global_position::text AS global_position, e.transaction_id::text AS transaction_id, e.version\n` +
    `  FROM e${notify ? ' CROSS JOIN (SELECT count(*) FROM n) AS notified' : ''}\n` +
    ` ORDER BY e.stream_id, e.version`;
  return { name: `event_store_append_batch_${notify ? 'notify' : 'quiet'}`, text, notifies: notify };
}
