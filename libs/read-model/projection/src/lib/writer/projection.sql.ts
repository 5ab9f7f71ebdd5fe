/**
 * The projector's statements. Every write is set-based: one statement per kind of row per batch,
 * arrays in, `unnest` out. Table names are parameters so a rebuild can fill tables beside the live ones.
 */
export interface ReadModelTables {
  readonly accounts: string;
  readonly transactions: string;
}

export const LIVE_TABLES: ReadModelTables = {
  accounts: 'read_model.accounts',
  transactions: 'read_model.account_transactions',
};

export const ACCOUNT_COLUMNS = `account_id::text AS account_id, owner, owner_id, currency, balance::text AS balance, status,
  version::text AS version, opened_at, updated_at, total_deposited::text AS total_deposited,
  total_withdrawn::text AS total_withdrawn, transaction_count::text AS transaction_count, last_activity_at`;

/**
 * Parked rows first, then accounts, each in id order: every writer locks in the same order. With the
 * version of the dead-lettered message each account is parked behind (only the parked row is locked).
 */
export const LOCK_PARKED_SHARE = `SELECT p.account_id::text AS account_id, d.version::text AS parked_behind
  FROM read_model.parked_accounts p JOIN read_model.dead_letters d ON d.id = p.dead_letter_id
  WHERE p.account_id = ANY($1::uuid[]) ORDER BY p.account_id FOR SHARE OF p`;

export const LOCK_PARKED_UPDATE = `SELECT account_id::text AS account_id, dead_letter_id::text AS dead_letter_id
  FROM read_model.parked_accounts WHERE account_id = ANY($1::uuid[]) ORDER BY account_id FOR UPDATE`;

export function lockAccounts(tables: ReadModelTables): string {
  return `SELECT ${ACCOUNT_COLUMNS} FROM ${tables.accounts}
    WHERE account_id = ANY($1::uuid[]) ORDER BY account_id FOR UPDATE`;
}

export function selectAccount(tables: ReadModelTables): string {
  return `SELECT ${ACCOUNT_COLUMNS} FROM ${tables.accounts} WHERE account_id = $1::uuid`;
}

/**
 * Accounts, history rows and processed ids in one statement. The upsert's guard keeps the highest
 * version: two consumers racing on a new account both fold from version 0, so the later fold wins
 * and is complete; history rows are keyed by (account, version) and never rewritten.
 */
export function writeBatch(tables: ReadModelTables, recordProcessed: boolean): string {
  const processed = recordProcessed
    ? `, p AS (
        INSERT INTO read_model.processed_events (projection, event_id)
        SELECT $24::text, unnest($25::uuid[])
        ON CONFLICT DO NOTHING
        RETURNING 1
      )`
    : '';
  return `
    WITH a AS (
      INSERT INTO ${tables.accounts} AS cur (account_id, owner, currency, balance, status, version, opened_at,
        updated_at, total_deposited, total_withdrawn, transaction_count, last_activity_at, owner_id)
      SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[],
        $7::timestamptz[], $8::timestamptz[], $9::numeric[], $10::numeric[], $11::bigint[], $12::timestamptz[],
        $13::text[])
      ON CONFLICT (account_id) DO UPDATE SET
        owner = EXCLUDED.owner, owner_id = EXCLUDED.owner_id, currency = EXCLUDED.currency,
        balance = EXCLUDED.balance, status = EXCLUDED.status, version = EXCLUDED.version, opened_at = EXCLUDED.opened_at,
        updated_at = EXCLUDED.updated_at, total_deposited = EXCLUDED.total_deposited,
        total_withdrawn = EXCLUDED.total_withdrawn, transaction_count = EXCLUDED.transaction_count,
        last_activity_at = EXCLUDED.last_activity_at
      WHERE cur.version < EXCLUDED.version
      RETURNING 1
    ), t AS (
      INSERT INTO ${tables.transactions} (account_id, version, event_id, type, amount, balance_after,
        status_after, reason, occurred_at, correlation_id)
      SELECT * FROM unnest($14::uuid[], $15::bigint[], $16::uuid[], $17::text[], $18::bigint[], $19::bigint[],
        $20::text[], $21::text[], $22::timestamptz[], $23::text[])
      ON CONFLICT DO NOTHING
      RETURNING 1
    )${processed}
    SELECT (SELECT count(*) FROM a)::int AS accounts, (SELECT count(*) FROM t)::int AS transactions`;
}

/**
 * A redelivered message (the same bytes at the same position) updates its dead letter (and reopens it)
 * instead of adding another; another message at that position (a recreated topic) gets its own.
 */
export const UPSERT_DEAD_LETTER = `
  INSERT INTO read_model.dead_letters (account_id, event_id, version, topic, partition, "offset",
    message_key, message_value, headers, error, attempts)
  VALUES ($1::uuid, $2::uuid, $3::bigint, $4, $5, $6::bigint, $7, $8, $9::jsonb, $10, $11)
  ON CONFLICT ON CONSTRAINT dead_letters_message_key DO UPDATE SET
    error = EXCLUDED.error, attempts = dead_letters.attempts + EXCLUDED.attempts,
    status = 'open', resolved_at = NULL, published_at = NULL
  RETURNING id::text AS id`;

export const PARK_ACCOUNT = `
  INSERT INTO read_model.parked_accounts (account_id, dead_letter_id, reason)
  VALUES ($1::uuid, $2::bigint, $3)
  ON CONFLICT (account_id) DO NOTHING`;

export const HOLD_EVENTS = `
  INSERT INTO read_model.parked_events (account_id, topic, partition, "offset", message_key, message_value, headers)
  SELECT account_id, topic, partition, "offset", message_key, message_value, headers
    FROM unnest($1::uuid[], $2::text[], $3::int[], $4::bigint[], $5::bytea[], $6::bytea[], $7::jsonb[])
         WITH ORDINALITY AS h (account_id, topic, partition, "offset", message_key, message_value, headers, ord)
   ORDER BY ord
  ON CONFLICT DO NOTHING`;

export const NOTIFY_CHANGES = `SELECT pg_notify($1::text, payload) FROM unnest($2::text[]) AS payload`;

/** Bounded, so pruning a large backlog never holds a long transaction. */
export const PRUNE_PROCESSED_EVENTS = `
  DELETE FROM read_model.processed_events
   WHERE ctid = ANY (ARRAY(
     SELECT ctid FROM read_model.processed_events
      WHERE processed_at < now() - make_interval(secs => $1::double precision)
      LIMIT $2::int))`;
