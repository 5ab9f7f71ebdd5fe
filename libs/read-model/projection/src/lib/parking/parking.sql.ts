/**
 * Replaying a parked account: its dead letter and held messages, and settling its parked row. Locks
 * are taken in the projector's order (parked row, then account row, then dead letters).
 */

export const SELECT_DEAD_LETTER_MESSAGE = `SELECT id::text AS id, account_id::text AS account_id, status, topic, partition,
  "offset"::text AS "offset", message_key, message_value, headers
  FROM read_model.dead_letters WHERE id = $1::bigint`;

export const RESOLVE_DEAD_LETTER = `
  UPDATE read_model.dead_letters SET status = $2::text, resolved_at = now() WHERE id = $1::bigint`;

/** In arrival order: the order they must apply in. */
export const SELECT_HELD_MESSAGES = `
  SELECT topic, partition, "offset"::text AS "offset", message_key, message_value, headers
    FROM read_model.parked_events WHERE account_id = $1::uuid ORDER BY id`;

export const DELETE_HELD_MESSAGES = `DELETE FROM read_model.parked_events WHERE account_id = $1::uuid`;

export const UNPARK_ACCOUNT = `DELETE FROM read_model.parked_accounts WHERE account_id = $1::uuid`;

/** Points a still-parked account at the dead letter that parks it now (the writer's insert kept the old row). */
export const REPARK_ACCOUNT = `
  UPDATE read_model.parked_accounts SET dead_letter_id = $2::bigint, reason = $3::text WHERE account_id = $1::uuid`;

export const ACCOUNT_STANDING = `
  SELECT (SELECT version::text FROM read_model.accounts WHERE account_id = $1::uuid) AS version,
         p.dead_letter_id::text AS dead_letter_id, p.reason
    FROM (SELECT 1) AS one
    LEFT JOIN read_model.parked_accounts p ON p.account_id = $1::uuid`;

/** As the accounts' statements above, for a parked transfer's stream. */
export const SELECT_HELD_TRANSFER_MESSAGES = `
  SELECT topic, partition, "offset"::text AS "offset", message_key, message_value, headers
    FROM read_model.parked_transfer_events WHERE transfer_id = $1::uuid ORDER BY id`;

export const DELETE_HELD_TRANSFER_MESSAGES = `DELETE FROM read_model.parked_transfer_events WHERE transfer_id = $1::uuid`;

export const UNPARK_TRANSFER = `DELETE FROM read_model.parked_transfers WHERE transfer_id = $1::uuid`;

export const REPARK_TRANSFER = `
  UPDATE read_model.parked_transfers SET dead_letter_id = $2::bigint, reason = $3::text WHERE transfer_id = $1::uuid`;

export const TRANSFER_STANDING = `
  SELECT (SELECT version::text FROM read_model.transfers WHERE transfer_id = $1::uuid) AS version,
         p.dead_letter_id::text AS dead_letter_id, p.reason
    FROM (SELECT 1) AS one
    LEFT JOIN read_model.parked_transfers p ON p.transfer_id = $1::uuid`;
