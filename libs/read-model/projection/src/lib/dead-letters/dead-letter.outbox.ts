import type { Pool, PoolClient } from 'pg';
import {
  deadLetterBase,
  rawFromRow,
  type DeadLetterBase,
  type DeadLetterBaseRow,
  type RawMessage,
  type StoredMessageRow,
} from '@ledger/read-model-schema';

/** A dead letter, with its message, whose copy has not yet been acknowledged by the dead-letter topic. */
export interface UnpublishedDeadLetter extends DeadLetterBase, RawMessage {
  readonly createdAt: Date;
}

interface UnpublishedRow extends DeadLetterBaseRow, StoredMessageRow {
  readonly created_at: Date;
}

/**
 * One drainer at a time over all replicas: a session-level advisory lock, held by a connection that
 * sits idle (outside any transaction) while the copies are sent, so a slow or stalled broker holds
 * back no one's snapshot horizon. A crashed drainer's session ends and frees it.
 */
const TRY_OUTBOX_LOCK = `SELECT pg_try_advisory_lock(7365423801512020) AS acquired`;
const RELEASE_OUTBOX_LOCK = `SELECT pg_advisory_unlock(7365423801512020)`;

/** Oldest first; each statement commits on its own. */
const READ_UNPUBLISHED = `
  SELECT id::text AS id, account_id::text AS account_id, event_id::text AS event_id, version::text AS version,
         topic, partition, "offset"::text AS "offset", message_key, message_value, headers, error, attempts, created_at
    FROM read_model.dead_letters
   WHERE published_at IS NULL
   ORDER BY id
   LIMIT $1::int`;

const MARK_PUBLISHED = `UPDATE read_model.dead_letters SET published_at = now() WHERE id = ANY($1::bigint[]) AND published_at IS NULL`;

export interface DrainOptions {
  /** Dead letters per read, send and mark. */
  readonly batchSize: number;
  /** Sends the copies and resolves once the topic acknowledged them all; a rejection leaves them unpublished. */
  readonly publish: (deadLetters: readonly UnpublishedDeadLetter[]) => Promise<void>;
  readonly signal?: AbortSignal;
}

/**
 * The dead-letter outbox: reads unpublished rows, publishes them, then marks them published, batch
 * after batch until none is left; no transaction spans the send. Returns how many were published
 * (0 when another drain holds the outbox: it takes whatever is there). At least once: a crash or a
 * failed mark between the send and the mark publishes those rows again (the copy carries the dead
 * letter's id for whoever must tell). A failed send leaves the rows unpublished for the next drain.
 */
export async function drainDeadLetterOutbox(pool: Pool, options: DrainOptions): Promise<number> {
  const client = await pool.connect();
  // The session sits idle through each send: a connection lost then (a restart, a terminated backend)
  // is reported to the client with no query to fail, and unheard it would crash the process. The
  // next statement fails instead.
  const lost = (): void => undefined;
  client.on('error', lost);
  try {
    const published = await drainHoldingOutbox(client, options);
    client.release();
    return published;
  } catch (error) {
    // Dropping the session frees the advisory lock whatever state it is in.
    client.release(error instanceof Error ? error : true);
    throw error;
  } finally {
    client.off('error', lost);
  }
}

async function drainHoldingOutbox(client: PoolClient, options: DrainOptions): Promise<number> {
  const { rows: locked } = await client.query<{ acquired: boolean }>(TRY_OUTBOX_LOCK);
  if (locked[0]?.acquired !== true) return 0;
  let published = 0;
  while (options.signal?.aborted !== true) {
    const { rows } = await client.query<UnpublishedRow>(READ_UNPUBLISHED, [options.batchSize]);
    if (rows.length > 0) {
      await options.publish(rows.map(fromRow));
      await client.query(MARK_PUBLISHED, [rows.map((row) => row.id)]);
    }
    published += rows.length;
    if (rows.length < options.batchSize) break;
  }
  await client.query(RELEASE_OUTBOX_LOCK);
  return published;
}

function fromRow(row: UnpublishedRow): UnpublishedDeadLetter {
  return { ...rawFromRow(row), ...deadLetterBase(row), createdAt: row.created_at };
}
