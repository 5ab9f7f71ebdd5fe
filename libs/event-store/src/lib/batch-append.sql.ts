import { EVENT_STORE_APPENDED_CHANNEL, type NamedStatement } from './event-store.sql';

/**
 * Many appends as ONE statement and one commit (group commit, docs/design.md §11). An item appends to
 * one stream or to several (a transfer): each item commits or fails WHOLE, and the rest commit.
 *
 * Parameters, as jsonb arrays: $1 the items (i, and the idempotency key, scope, request hash, result
 * as text, the key's stream), $2 their streams (i, stream_id, expected, next), $3 the events
 * (stream_id, version and the event's columns), $4 snapshots, $5 deadlines (due_at null clears).
 * Streams and keys are distinct across items (the committer sees to it).
 *
 * Locks are taken in one order every writer of the store follows, so no two can deadlock:
 * 1. `locked`: every existing stream row the batch names, IN stream_id ORDER (FOR UPDATE under a
 *    sort). `gate` counts it, and nothing is written before `gate` is known, so all of them are held
 *    before anything else happens. A row moved on by a transaction that committed meanwhile is seen
 *    as it is now (read committed re-reads a locked row).
 * 2. Items are judged on those rows: one whose stream is not at its expected version (0: the row must
 *    not exist), or last written by a younger transaction (the relay's commit-order guard), or whose
 *    key is already committed, is refused and writes nothing.
 * 3. The new streams of the items left, in stream_id order. An item creating one stream (an account,
 *    a transfer) that another transaction created meanwhile is refused (ON CONFLICT DO NOTHING: it
 *    waits for that transaction, then sees the row). An item creating several has no such way to fail
 *    whole, so it never shares a batch (PostgresEventStore runs it alone) and a stream taken under it
 *    raises 23505, rolling it back.
 * 4. Only then the rest: stream rows advanced (held already), events, snapshots and deadlines (of held
 *    streams only), and, after every new stream, the keys in key order (a key being committed by
 *    another transaction raises 23505 once it commits; a batch then appends its items one by one).
 *
 * The result: one row per event written (item i, stream_id, global_position, transaction_id, version),
 * then one per refused item with the first stream that was off (null when its key was used) and the
 * used key's record.
 */
const ITEMS = `
  x AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (
             i int, key text, scope text, request_hash text, result text, key_stream text)
  ),
  xs AS (
    SELECT * FROM jsonb_to_recordset($2::jsonb) AS xs (i int, stream_id text, expected bigint, next bigint)
  )`;

// Each look-up is pinned to one index probe per stream or key, whatever the planner estimates of the
// jsonb input: a LATERAL sub-select by primary key, or "= ANY" of an array. The LATERAL lock runs
// per row of a sorted outer side, so the rows are taken in stream_id order.
const LOCKED = `
  locked AS MATERIALIZED (
    SELECT l.*
      FROM (SELECT DISTINCT xs.stream_id FROM xs ORDER BY xs.stream_id) s
      CROSS JOIN LATERAL (
             SELECT st.stream_id, st.version, st.last_transaction_id < pg_current_xact_id() AS older
               FROM event_store.streams st
              WHERE st.stream_id = s.stream_id
                FOR UPDATE
           ) l
  ),
  gate AS MATERIALIZED (
    SELECT count(*) AS held FROM locked
  )`;

const JUDGED = `
  off AS MATERIALIZED (
    SELECT xs.i, min(xs.stream_id) AS stream_id
      FROM xs
      LEFT JOIN locked l ON l.stream_id = xs.stream_id
     WHERE CASE WHEN xs.expected = 0 THEN l.stream_id IS NOT NULL
                ELSE l.stream_id IS NULL OR l.version <> xs.expected OR NOT l.older END
     GROUP BY xs.i
  ),
  used AS MATERIALIZED (
    SELECT x.i, k.request_hash, k.result
      FROM x
      CROSS JOIN LATERAL (
             SELECT k.request_hash, k.result::text AS result
               FROM event_store.idempotency_keys k
              WHERE k.scope = x.scope AND k.key = x.key
              LIMIT 1
           ) k
  ),
  candidates AS MATERIALIZED (
    SELECT x.*
      FROM x
     WHERE (SELECT held FROM gate) >= 0
       AND x.i NOT IN (SELECT i FROM off)
       AND x.i NOT IN (SELECT i FROM used)
  ),
  fresh AS MATERIALIZED (
    SELECT xs.i, xs.stream_id, xs.next, count(*) OVER (PARTITION BY xs.i) AS creates
      FROM xs
     WHERE xs.expected = 0 AND xs.i IN (SELECT i FROM candidates)
  ),
  created_one AS (
    INSERT INTO event_store.streams (stream_id, version, last_transaction_id, updated_at)
    SELECT f.stream_id, f.next, pg_current_xact_id(), now() FROM fresh f WHERE f.creates = 1 ORDER BY f.stream_id
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING stream_id
  ),
  created_many AS (
    INSERT INTO event_store.streams (stream_id, version, last_transaction_id, updated_at)
    SELECT f.stream_id, f.next, pg_current_xact_id(), now() FROM fresh f WHERE f.creates > 1 ORDER BY f.stream_id
    RETURNING stream_id
  ),
  lost AS MATERIALIZED (
    SELECT f.i, f.stream_id FROM fresh f WHERE f.creates = 1 AND f.stream_id NOT IN (SELECT stream_id FROM created_one)
  ),
  ok AS MATERIALIZED (
    SELECT c.* FROM candidates c WHERE c.i NOT IN (SELECT i FROM lost)
  ),
  ok_streams AS MATERIALIZED (
    SELECT xs.* FROM xs WHERE xs.i IN (SELECT i FROM ok)
  )`;

const WRITES = `
  advanced AS (
    UPDATE event_store.streams st
       SET version = os.next, last_transaction_id = pg_current_xact_id(), updated_at = now()
      FROM ok_streams os
     WHERE os.expected > 0 AND st.stream_id = os.stream_id
       AND st.stream_id = ANY (ARRAY(SELECT stream_id FROM ok_streams WHERE expected > 0))
  ),
  e AS (
    INSERT INTO event_store.events (stream_id, version, event_id, type, schema_version, data, metadata, occurred_at)
    SELECT v.stream_id, v.version, v.event_id, v.type, v.schema_version, v.data, v.metadata, v.occurred_at
      FROM jsonb_to_recordset($3::jsonb) AS v (
             stream_id text, version bigint, event_id uuid, type text, schema_version int,
             data jsonb, metadata jsonb, occurred_at timestamptz)
      JOIN ok_streams os ON os.stream_id = v.stream_id
     ORDER BY v.stream_id, v.version
    RETURNING stream_id, global_position, transaction_id, version
  ),
  k AS (
    INSERT INTO event_store.idempotency_keys (key, scope, request_hash, result, stream_id)
    SELECT ok.key, ok.scope, ok.request_hash, ok.result::json, ok.key_stream
      FROM ok
     WHERE ok.key IS NOT NULL
       AND (SELECT count(*) FROM created_many) >= 0
     ORDER BY ok.scope, ok.key
  ),
  sn AS (
    INSERT INTO event_store.snapshots AS cur (stream_id, version, schema_version, state, created_at)
    SELECT p.stream_id, p.version, p.schema_version, p.state, now()
      FROM jsonb_to_recordset($4::jsonb) AS p (stream_id text, version bigint, schema_version int, state jsonb)
      JOIN ok_streams os ON os.stream_id = p.stream_id
     ORDER BY p.stream_id
    ON CONFLICT (stream_id) DO UPDATE
       SET version = EXCLUDED.version, schema_version = EXCLUDED.schema_version,
           state = EXCLUDED.state, created_at = EXCLUDED.created_at
     WHERE cur.version <= EXCLUDED.version
  ),
  d AS (
    SELECT d.*
      FROM jsonb_to_recordset($5::jsonb) AS d (stream_id text, due_at timestamptz)
      JOIN ok_streams os ON os.stream_id = d.stream_id
  ),
  dset AS (
    INSERT INTO event_store.stream_deadlines AS cur (stream_id, due_at)
    SELECT d.stream_id, d.due_at FROM d WHERE d.due_at IS NOT NULL ORDER BY d.stream_id
    ON CONFLICT (stream_id) DO UPDATE SET due_at = EXCLUDED.due_at
  ),
  dclear AS (
    DELETE FROM event_store.stream_deadlines cur
     WHERE cur.stream_id = ANY (ARRAY(SELECT d.stream_id FROM d WHERE d.due_at IS NULL))
  )`;

// One notification per batch, naming one of its streams (listeners take it as a wake-up), delivered
// on commit. The main query reads it through an aggregate so that it runs.
const NOTIFY = `
  n AS MATERIALIZED (
    SELECT pg_notify('${EVENT_STORE_APPENDED_CHANNEL}', min(os.stream_id)) FROM ok_streams os HAVING count(*) > 0
  )`;

const REFUSALS = `
  SELECT x.i, coalesce(off.stream_id, lost.stream_id), NULL::text, NULL::text, NULL::bigint, used.request_hash, used.result
    FROM x
    LEFT JOIN off ON off.i = x.i
    LEFT JOIN used ON used.i = x.i
    LEFT JOIN lost ON lost.i = x.i
   WHERE off.i IS NOT NULL OR used.i IS NOT NULL OR lost.i IS NOT NULL`;

function buildBatchAppendStatement(notify: boolean): NamedStatement {
  const ctes = [ITEMS, LOCKED, JUDGED, WRITES, ...(notify ? [NOTIFY] : [])];
  const text =
    `WITH ${ctes.join(',')}\n` +
    `SELECT os.i, e.stream_id, e.global_position::text AS global_position, e.transaction_id::text AS transaction_id,\n` +
    `       e.version, NULL::text AS request_hash, NULL::text AS result\n` +
    `  FROM e JOIN ok_streams os ON os.stream_id = e.stream_id` +
    `${notify ? ' CROSS JOIN (SELECT count(*) FROM n) AS notified' : ''}\n` +
    `UNION ALL${REFUSALS}`;
  return { name: `event_store_append_batch_${notify ? 'notify' : 'quiet'}`, text };
}

const QUIET = buildBatchAppendStatement(false);
const NOTIFYING = buildBatchAppendStatement(true);

export function batchAppendStatement(notify: boolean): NamedStatement {
  return notify ? NOTIFYING : QUIET;
}
