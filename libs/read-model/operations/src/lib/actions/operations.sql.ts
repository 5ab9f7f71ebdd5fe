import { SELECT_DEAD_LETTER_MESSAGE } from '@ledger/read-model-projection';

/**
 * The operator actions' statements. Locks are taken in the projector's order (parked row, then
 * account row, then dead letters), so an action and a projector batch on the same account queue
 * behind each other instead of deadlocking.
 */

const DEAD_LETTER_COLUMNS = `d.id::text AS id, d.account_id::text AS account_id, d.event_id::text AS event_id,
  d.version::text AS version, d.topic, d.partition, d."offset"::text AS "offset", d.error, d.attempts, d.status,
  d.created_at, d.published_at, d.resolved_at,
  EXISTS (SELECT 1 FROM read_model.parked_accounts p WHERE p.dead_letter_id = d.id) AS parks_account`;

/** Newest first; each filter applies only when given. */
export const LIST_DEAD_LETTERS = `
  SELECT ${DEAD_LETTER_COLUMNS}
    FROM read_model.dead_letters d
   WHERE ($1::text IS NULL OR d.status = $1::text)
     AND ($2::uuid IS NULL OR d.account_id = $2::uuid)
   ORDER BY d.id DESC
   LIMIT $3::int`;

export const LIST_PARKED_ACCOUNTS = `
  SELECT p.account_id::text AS account_id, p.reason, p.dead_letter_id::text AS dead_letter_id, p.parked_at,
         (SELECT count(*) FROM read_model.parked_events e WHERE e.account_id = p.account_id)::int AS held_events,
         a.version::text AS version
    FROM read_model.parked_accounts p
    LEFT JOIN read_model.accounts a ON a.account_id = p.account_id
   ORDER BY p.parked_at, p.account_id
   LIMIT $1::int`;

/** The projection's read of a dead letter, locked: skip's lock after the parked row's. */
export const LOCK_DEAD_LETTER_MESSAGE = `${SELECT_DEAD_LETTER_MESSAGE} FOR UPDATE`;

export const HEAL_OPEN_DEAD_LETTERS = `
  UPDATE read_model.dead_letters SET status = 'healed', resolved_at = now()
   WHERE account_id = $1::uuid AND status = 'open'
  RETURNING id::text AS id`;

export const DELETE_ACCOUNT_TRANSACTIONS = `DELETE FROM read_model.account_transactions WHERE account_id = $1::uuid`;
export const DELETE_ACCOUNT = `DELETE FROM read_model.accounts WHERE account_id = $1::uuid`;

/** The legs the account applied: a heal writes them again from the store with the account's history. */
export const DELETE_ACCOUNT_TRANSFER_LEGS = `DELETE FROM read_model.transfer_legs WHERE account_id = $1::uuid`;

/** Unlocked: only to learn which stream's parked row to lock first (an account's, or a transfer's). */
export const DEAD_LETTER_STREAM = `SELECT account_id::text AS account_id, transfer_id::text AS transfer_id
  FROM read_model.dead_letters WHERE id = $1::bigint`;

export const LIST_PARKED_TRANSFERS = `
  SELECT p.transfer_id::text AS transfer_id, p.reason, p.dead_letter_id::text AS dead_letter_id, p.parked_at,
         (SELECT count(*) FROM read_model.parked_transfer_events e WHERE e.transfer_id = p.transfer_id)::int AS held_events,
         t.version::text AS version
    FROM read_model.parked_transfers p
    LEFT JOIN read_model.transfers t ON t.transfer_id = p.transfer_id
   ORDER BY p.parked_at, p.transfer_id
   LIMIT $1::int`;

export const RECORD_OPERATOR_ACTION = `
  INSERT INTO read_model.operator_actions (action, target, outcome, detail, performed_by)
  VALUES ($1::text, $2::text, $3::text, $4::jsonb, $5::text)
  RETURNING id::text AS id`;
