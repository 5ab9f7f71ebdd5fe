import {
  ACCOUNT_COLUMN_COUNT,
  ACCOUNT_INSERT_COLUMNS,
  ACCOUNT_SELECT,
  accountsUnnest,
  TRANSACTION_COLUMN_COUNT,
  TRANSACTION_INSERT_COLUMNS,
  TRANSFER_VIEW_SELECT,
  transactionsUnnest,
} from '@ledger/read-model-schema';

/**
 * The projector's statements. Every write is set-based: one statement per kind of row per batch,
 * arrays in, `unnest` out. Table names are parameters so a rebuild can fill tables beside the live ones.
 */
export interface ReadModelTables {
  readonly accounts: string;
  readonly transactions: string;
  /** The transfer tables; the live ones where not given. */
  readonly transfers?: string;
  readonly transferStates?: string;
  readonly transferLegs?: string;
}

export const LIVE_TABLES: ReadModelTables = {
  accounts: 'read_model.accounts',
  transactions: 'read_model.account_transactions',
  transfers: 'read_model.transfers',
  transferStates: 'read_model.transfer_states',
  transferLegs: 'read_model.transfer_legs',
};

/** `tables` with the live transfer tables filled in where it names none. */
export function transferTables(tables: ReadModelTables): Required<ReadModelTables> {
  return {
    transfers: 'read_model.transfers',
    transferStates: 'read_model.transfer_states',
    transferLegs: 'read_model.transfer_legs',
    ...tables,
  } as Required<ReadModelTables>;
}

/**
 * Parked rows first, then accounts, each in id order: every writer locks in the same order. With the
 * version of the dead-lettered message each account is parked behind (only the parked row is locked).
 */
export const LOCK_PARKED_SHARE = `SELECT p.account_id::text AS account_id, d.version::text AS parked_behind
  FROM read_model.parked_accounts p JOIN read_model.dead_letters d ON d.id = p.dead_letter_id
  WHERE p.account_id = ANY($1::uuid[]) ORDER BY p.account_id FOR SHARE OF p`;

/** As LOCK_PARKED_SHARE, for transfers' streams; taken after the accounts' parked rows. */
export const LOCK_PARKED_TRANSFERS_SHARE = `SELECT p.transfer_id::text AS transfer_id, d.version::text AS parked_behind
  FROM read_model.parked_transfers p JOIN read_model.dead_letters d ON d.id = p.dead_letter_id
  WHERE p.transfer_id = ANY($1::uuid[]) ORDER BY p.transfer_id FOR SHARE OF p`;

export const LOCK_PARKED_TRANSFERS_UPDATE = `SELECT transfer_id::text AS transfer_id, dead_letter_id::text AS dead_letter_id
  FROM read_model.parked_transfers WHERE transfer_id = ANY($1::uuid[]) ORDER BY transfer_id FOR UPDATE`;

export const LOCK_PARKED_UPDATE = `SELECT account_id::text AS account_id, dead_letter_id::text AS dead_letter_id
  FROM read_model.parked_accounts WHERE account_id = ANY($1::uuid[]) ORDER BY account_id FOR UPDATE`;

/**
 * The batch's accounts as they stand and which of them are parked (behind what), in one unlocked read:
 * an account row per account the table holds (`parked` false) with the row version's `xmin`, then a row
 * per parked account (`parked` true, only `account_id` and `parked_behind` set). The write that follows
 * checks that no row changed since (see `writeBatch`'s guard).
 */
export function readAccounts(tables: ReadModelTables): string {
  const blanks = Array.from({ length: ACCOUNT_COLUMN_COUNT - 1 }, () => 'NULL').join(', ');
  return `SELECT false AS parked, ${ACCOUNT_SELECT}, xmin::text AS row_xmin, NULL::text AS parked_behind FROM ${tables.accounts}
    WHERE account_id = ANY($1::uuid[])
  UNION ALL
  SELECT true, p.account_id::text, ${blanks}, NULL, d.version::text
    FROM read_model.parked_accounts p JOIN read_model.dead_letters d ON d.id = p.dead_letter_id
   WHERE p.account_id = ANY($1::uuid[])`;
}

export function lockAccounts(tables: ReadModelTables): string {
  return `SELECT ${ACCOUNT_SELECT} FROM ${tables.accounts}
    WHERE account_id = ANY($1::uuid[]) ORDER BY account_id FOR UPDATE`;
}

/** A transfer's terms with the state of its last applied event; after the accounts, in id order. */
export function lockTransfers(tables: ReadModelTables): string {
  const { transfers, transferStates } = transferTables(tables);
  return `SELECT ${TRANSFER_VIEW_SELECT} FROM ${transfers} t
    JOIN ${transferStates} s ON s.transfer_id = t.transfer_id AND s.version = t.version
    WHERE t.transfer_id = ANY($1::uuid[]) ORDER BY t.transfer_id FOR UPDATE OF t`;
}

/**
 * Accounts, history rows and processed ids in one statement. The upsert's guard keeps the highest
 * version: two consumers racing on a new account both fold from version 0, so the later fold wins
 * and is complete; history rows are keyed by (account, version) and never rewritten.
 *
 * `guarded`: for a batch planned without locks (from `readAccounts`, or rows it wrote itself), outside
 * any transaction. Two more parameters: the batch's account ids and the `xmin` of the row version each
 * was planned from (null: no row). The statement locks those accounts, in id order as every writer
 * does, and writes only when every row is still that version (any write to a row gives it another
 * `xmin`, freezing too) and none of the accounts is parked; else nothing (`written` false), and the
 * caller plans again under locks. It returns the `xmin` of the rows it wrote (its transaction's).
 */
export function writeBatch(tables: ReadModelTables, recordProcessed: boolean, guarded = false): string {
  const history = 1 + ACCOUNT_COLUMN_COUNT;
  const projection = history + TRANSACTION_COLUMN_COUNT;
  const expected = recordProcessed ? projection + 2 : projection;
  const when = guarded ? ' WHERE (SELECT ok FROM guard)' : '';
  const guard = guarded
    ? `current AS MATERIALIZED (
        SELECT account_id, xmin::text AS row_xmin FROM ${tables.accounts}
         WHERE account_id = ANY($${expected}::uuid[]) ORDER BY account_id FOR UPDATE
      ), guard AS MATERIALIZED (
        SELECT NOT EXISTS (SELECT 1 FROM read_model.parked_accounts WHERE account_id = ANY($${expected}::uuid[]))
           AND NOT EXISTS (
             SELECT 1 FROM unnest($${expected}::uuid[], $${expected + 1}::text[]) AS e (account_id, row_xmin)
               LEFT JOIN current c ON c.account_id = e.account_id
              WHERE c.row_xmin IS DISTINCT FROM e.row_xmin) AS ok
      ), `
    : '';
  const processed = recordProcessed
    ? `, p AS (
        INSERT INTO read_model.processed_events (projection, event_id)
        SELECT $${projection}::text, unnest($${projection + 1}::uuid[])${when}
        ON CONFLICT DO NOTHING
        RETURNING 1
      )`
    : '';
  return `
    WITH ${guard}a AS (
      INSERT INTO ${tables.accounts} AS cur (${ACCOUNT_INSERT_COLUMNS})
      SELECT * FROM ${accountsUnnest(1)}${when}
      ON CONFLICT (account_id) DO UPDATE SET
        owner = EXCLUDED.owner, owner_id = EXCLUDED.owner_id, currency = EXCLUDED.currency,
        balance = EXCLUDED.balance, reserved = EXCLUDED.reserved, status = EXCLUDED.status, version = EXCLUDED.version, opened_at = EXCLUDED.opened_at,
        updated_at = EXCLUDED.updated_at, total_deposited = EXCLUDED.total_deposited,
        total_withdrawn = EXCLUDED.total_withdrawn, transaction_count = EXCLUDED.transaction_count,
        last_activity_at = EXCLUDED.last_activity_at
      WHERE cur.version < EXCLUDED.version
      RETURNING ${guarded ? 'xmin' : '1'}
    ), t AS (
      INSERT INTO ${tables.transactions} (${TRANSACTION_INSERT_COLUMNS})
      SELECT * FROM ${transactionsUnnest(history)}${when}
      ON CONFLICT DO NOTHING
      RETURNING 1
    )${processed}
    SELECT (SELECT count(*) FROM a)::int AS accounts, (SELECT count(*) FROM t)::int AS transactions${guarded ? ', (SELECT ok FROM guard) AS written, (SELECT xmin::text FROM a LIMIT 1) AS row_xmin' : ''}`;
}

/**
 * A transfer's terms, written by its first event; later events move only its version (the guard, as
 * for accounts) and never its terms.
 */
export function upsertTransfers(tables: ReadModelTables): string {
  return `
    INSERT INTO ${transferTables(tables).transfers} AS cur
      (transfer_id, from_account_id, to_account_id, amount, currency, reference, created_at, expires_at, version)
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bigint[], $5::text[], $6::text[], $7::timestamptz[],
      $8::timestamptz[], $9::bigint[])
    ON CONFLICT (transfer_id) DO UPDATE SET version = EXCLUDED.version, expires_at = EXCLUDED.expires_at
    WHERE cur.version < EXCLUDED.version`;
}

/** One row per version of a transfer's stream, never rewritten. */
export function insertTransferStates(tables: ReadModelTables): string {
  return `
    INSERT INTO ${transferTables(tables).transferStates} (transfer_id, version, status, posted_amount, updated_at)
    SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::bigint[], $5::timestamptz[])
    ON CONFLICT DO NOTHING`;
}

/** A leg applied by an account; a leg is applied once, by one account event, so a second insert changes nothing. */
export function insertTransferLegs(tables: ReadModelTables): string {
  return `
    INSERT INTO ${transferTables(tables).transferLegs} (transfer_id, leg, account_id, account_version)
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::bigint[])
    ON CONFLICT DO NOTHING`;
}

/**
 * A redelivered message (the same bytes at the same position) updates its dead letter (and reopens it)
 * instead of adding another; another message at that position (a recreated topic) gets its own.
 */
export const UPSERT_DEAD_LETTER = `
  INSERT INTO read_model.dead_letters (account_id, event_id, version, topic, partition, "offset",
    message_key, message_value, headers, error, attempts, transfer_id)
  VALUES ($1::uuid, $2::uuid, $3::bigint, $4, $5, $6::bigint, $7, $8, $9::jsonb, $10, $11, $12::uuid)
  ON CONFLICT ON CONSTRAINT dead_letters_message_key DO UPDATE SET
    error = EXCLUDED.error, attempts = dead_letters.attempts + EXCLUDED.attempts,
    status = 'open', resolved_at = NULL, published_at = NULL
  RETURNING id::text AS id`;

export const PARK_ACCOUNT = `
  INSERT INTO read_model.parked_accounts (account_id, dead_letter_id, reason)
  VALUES ($1::uuid, $2::bigint, $3)
  ON CONFLICT (account_id) DO NOTHING`;

export const PARK_TRANSFER = `
  INSERT INTO read_model.parked_transfers (transfer_id, dead_letter_id, reason)
  VALUES ($1::uuid, $2::bigint, $3)
  ON CONFLICT (transfer_id) DO NOTHING`;

export const HOLD_TRANSFER_EVENTS = `
  INSERT INTO read_model.parked_transfer_events (transfer_id, topic, partition, "offset", message_key, message_value, headers)
  SELECT transfer_id, topic, partition, "offset", message_key, message_value, headers
    FROM unnest($1::uuid[], $2::text[], $3::int[], $4::bigint[], $5::bytea[], $6::bytea[], $7::jsonb[])
         WITH ORDINALITY AS h (transfer_id, topic, partition, "offset", message_key, message_value, headers, ord)
   ORDER BY ord
  ON CONFLICT DO NOTHING`;

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
