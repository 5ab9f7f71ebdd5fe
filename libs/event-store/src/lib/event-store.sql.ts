/**
 * The append as ONE statement (autocommit makes it its own transaction), so an append is one round
 * trip and one commit. Data-modifying CTEs always run; each later write selects FROM the stream CTE,
 * so nothing is written unless the stream row was, and the stream row is the transaction's first
 * write (docs/design.md §5: xid order must equal version order per stream).
 */
export const EVENT_STORE_APPENDED_CHANNEL = 'event_store_appended';

export interface AppendStatementShape {
  /** expectedVersion 0: the stream row is inserted; otherwise it is updated at the expected version. */
  readonly creates: boolean;
  readonly idempotency: boolean;
  readonly snapshot: boolean;
  readonly notify: boolean;
}

export interface NamedStatement {
  /** Prepared-statement name: each shape is parsed and planned once per connection. */
  readonly name: string;
  readonly text: string;
}

// $1 stream id, $2 expected version, $3 next version, $4 events as a jsonb array.
const CREATE_STREAM = `
  s AS (
    INSERT INTO event_store.streams (stream_id, version, last_transaction_id, updated_at)
    VALUES ($1::text, $3::bigint, pg_current_xact_id(), now())
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING stream_id
  )`;

// The xid guard refuses an append whose transaction id is below the one that wrote the stream last:
// its events would sort before the previous version's in the relay's (xid, position) order. Rare;
// reported as a conflict and the caller retries in a new transaction with a new xid.
const UPDATE_STREAM = `
  s AS (
    UPDATE event_store.streams
       SET version = $3::bigint, last_transaction_id = pg_current_xact_id(), updated_at = now()
     WHERE stream_id = $1::text
       AND version = $2::bigint
       AND last_transaction_id < pg_current_xact_id()
    RETURNING stream_id
  )`;

const INSERT_EVENTS = `
  e AS (
    INSERT INTO event_store.events (stream_id, version, event_id, type, schema_version, data, metadata, occurred_at)
    SELECT s.stream_id, $2::bigint + x.ord, x.event_id, x.type, x.schema_version, x.data, x.metadata, x.occurred_at
      FROM s
     CROSS JOIN ROWS FROM (
             jsonb_to_recordset($4::jsonb)
               AS (event_id uuid, type text, schema_version int, data jsonb, metadata jsonb, occurred_at timestamptz)
           ) WITH ORDINALITY AS x (event_id, type, schema_version, data, metadata, occurred_at, ord)
     ORDER BY x.ord
    RETURNING global_position, transaction_id, version
  )`;

// No ON CONFLICT: a used key raises 23505 and aborts the whole statement, so nothing is appended.
function insertIdempotencyKey(p: number): string {
  return `
  k AS (
    INSERT INTO event_store.idempotency_keys (key, scope, request_hash, result, stream_id)
    SELECT $${p}::text, $${p + 1}::text, $${p + 2}::text, $${p + 3}::json, s.stream_id FROM s
  )`;
}

function upsertSnapshot(p: number): string {
  return `
  sn AS (
    INSERT INTO event_store.snapshots (stream_id, version, schema_version, state, created_at)
    SELECT s.stream_id, $${p}::bigint, $${p + 1}::int, $${p + 2}::jsonb, now() FROM s
    ON CONFLICT (stream_id) DO UPDATE
       SET version = EXCLUDED.version, schema_version = EXCLUDED.schema_version,
           state = EXCLUDED.state, created_at = EXCLUDED.created_at
     WHERE snapshots.version <= EXCLUDED.version
  )`;
}

// A plain SELECT CTE runs only if referenced, hence MATERIALIZED and the join below.
// The notification is delivered on commit, never for a rolled-back append.
const NOTIFY = `
  n AS MATERIALIZED (
    SELECT pg_notify('${EVENT_STORE_APPENDED_CHANNEL}', s.stream_id) FROM s
  )`;

// Sixteen shapes at most, each built once rather than on every append.
const appendStatements = new Map<string, NamedStatement>();

export function appendStatement(shape: AppendStatementShape): NamedStatement {
  const key = `${+shape.creates}${+shape.idempotency}${+shape.snapshot}${+shape.notify}`;
  let statement = appendStatements.get(key);
  if (statement === undefined) {
    statement = buildAppendStatement(shape);
    appendStatements.set(key, statement);
  }
  return statement;
}

function buildAppendStatement(shape: AppendStatementShape): NamedStatement {
  const ctes = [shape.creates ? CREATE_STREAM : UPDATE_STREAM, INSERT_EVENTS];
  let next = 5;
  if (shape.idempotency) {
    ctes.push(insertIdempotencyKey(next));
    next += 4;
  }
  if (shape.snapshot) {
    ctes.push(upsertSnapshot(next));
    next += 3;
  }
  if (shape.notify) ctes.push(NOTIFY);
  const text =
    `WITH ${ctes.join(',')}\n` +
    `SELECT e.global_position::text AS global_position, e.transaction_id::text AS transaction_id, e.version\n` +
    `  FROM e${shape.notify ? ' CROSS JOIN n' : ''}\n` +
    ` ORDER BY e.version`;
  const name = [
    'event_store_append',
    shape.creates ? 'create' : 'update',
    shape.idempotency ? 'key' : 'nokey',
    shape.snapshot ? 'snap' : 'nosnap',
    shape.notify ? 'notify' : 'quiet',
  ].join('_');
  return { name, text };
}

/**
 * Latest snapshot of the wanted schema version (first row, if any), then the events after it in
 * version order. One statement, so one consistent view and one round trip.
 */
export const READ_STREAM_STATEMENT: NamedStatement = {
  name: 'event_store_read_stream',
  text: `
    WITH sn AS (
      SELECT version, schema_version, state
        FROM event_store.snapshots
       WHERE stream_id = $1::text AND schema_version = $2::int
    )
    SELECT true AS is_snapshot, sn.version, sn.schema_version, sn.state AS data,
           NULL::text AS global_position, NULL::text AS transaction_id, NULL::text AS event_id,
           NULL::text AS type, NULL::jsonb AS metadata, NULL::timestamptz AS occurred_at
      FROM sn
    UNION ALL
    SELECT false, e.version, e.schema_version, e.data,
           e.global_position::text, e.transaction_id::text, e.event_id::text,
           e.type, e.metadata, e.occurred_at
      FROM event_store.events e
     WHERE e.stream_id = $1::text
       AND e.version > COALESCE((SELECT version FROM sn), 0)
     ORDER BY is_snapshot DESC, version`,
};

export const FIND_IDEMPOTENCY_RECORD_STATEMENT: NamedStatement = {
  name: 'event_store_find_idempotency_record',
  text: `
    SELECT request_hash, result
      FROM event_store.idempotency_keys
     WHERE scope = $1::text AND key = $2::text`,
};

// No events, so no stream row to touch first: a key that is being committed by another transaction
// makes this wait for it, then leaves its record alone. The result is cast from text to json, keeping
// its key order, as the appends do.
export const RECORD_IDEMPOTENCY_STATEMENT: NamedStatement = {
  name: 'event_store_record_idempotency',
  text: `
    INSERT INTO event_store.idempotency_keys (key, scope, request_hash, result, stream_id)
    VALUES ($1::text, $2::text, $3::text, $4::text::json, $5::text)
    ON CONFLICT (scope, key) DO NOTHING`,
};

export const NOTIFY_STATEMENT: NamedStatement = {
  name: 'event_store_notify',
  text: `SELECT pg_notify('${EVENT_STORE_APPENDED_CHANNEL}', $1::text)`,
};

/** Earliest first; the index on (due_at, stream_id) serves both the range and the order. */
export const DUE_STREAMS_STATEMENT: NamedStatement = {
  name: 'event_store_due_streams',
  text: `
    SELECT stream_id, due_at
      FROM event_store.stream_deadlines
     WHERE due_at <= $1::timestamptz
     ORDER BY due_at, stream_id
     LIMIT $2::int`,
};
