import {
  ACCOUNT_COLUMN_COUNT,
  ACCOUNT_INSERT_COLUMNS,
  ACCOUNT_SELECT,
  accountsUnnest,
  TRANSACTION_COLUMN_COUNT,
  TRANSACTION_INSERT_COLUMNS,
  transactionsUnnest,
} from '@ledger/read-model-schema';

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
  return `SELECT ${ACCOUNT_SELECT} FROM ${tables.accounts}
    WHERE account_id = ANY($1::uuid[]) ORDER BY account_id FOR UPDATE`;
}

/**
 * Accounts, history rows and processed ids in one statement. The upsert's guard keeps the highest
 * version: two consumers racing on a new account both fold from version 0, so the later fold wins
 * and is complete; history rows are keyed by (account, version) and never rewritten.
 */
export function writeBatch(tables: ReadModelTables, recordProcessed: boolean): string {
  const history = 1 + ACCOUNT_COLUMN_COUNT;
  const projection = history + TRANSACTION_COLUMN_COUNT;
  const processed = recordProcessed
    ? `, p AS (
        INSERT INTO read_model.processed_events (projection, event_id)
        SELECT $${projection}::text, unnest($${projection + 1}::uuid[])
        ON CONFLICT DO NOTHING
        RETURNING 1
      )`
    : '';
  return `
    WITH a AS (
      INSERT INTO ${tables.accounts} AS cur (${ACCOUNT_INSERT_COLUMNS})
      SELECT * FROM ${accountsUnnest(1)}
      ON CONFLICT (account_id) DO UPDATE SET
        owner = EXCLUDED.owner, owner_id = EXCLUDED.owner_id, currency = EXCLUDED.currency,
        balance = EXCLUDED.balance, status = EXCLUDED.status, version = EXCLUDED.version, opened_at = EXCLUDED.opened_at,
        updated_at = EXCLUDED.updated_at, total_deposited = EXCLUDED.total_deposited,
        total_withdrawn = EXCLUDED.total_withdrawn, transaction_count = EXCLUDED.transaction_count,
        last_activity_at = EXCLUDED.last_activity_at
      WHERE cur.version < EXCLUDED.version
      RETURNING 1
    ), t AS (
      INSERT INTO ${tables.transactions} (${TRANSACTION_INSERT_COLUMNS})
      SELECT * FROM ${transactionsUnnest(history)}
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

/** Bounded, so pruning a large backlog never holds a long transaction. */
export const PRUNE_PROCESSED_EVENTS = `
  DELETE FROM read_model.processed_events
   WHERE ctid = ANY (ARRAY(
     SELECT ctid FROM read_model.processed_events
      WHERE processed_at < now() - make_interval(secs => $1::double precision)
      LIMIT $2::int))`;
