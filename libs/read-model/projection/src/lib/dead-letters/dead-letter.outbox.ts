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
 * Oldest first. SKIP LOCKED: replicas draining at the same time each take different rows, so a dead
 * letter is normally published once (at least once in any case: a crash after the send republishes).
 */
const CLAIM_UNPUBLISHED = `
  SELECT id::text AS id, account_id::text AS account_id, event_id::text AS event_id, version::text AS version,
         topic, partition, "offset"::text AS "offset", message_key, message_value, headers, error, attempts, created_at
    FROM read_model.dead_letters
   WHERE published_at IS NULL
   ORDER BY id
   LIMIT $1::int
     FOR UPDATE SKIP LOCKED`;

const MARK_PUBLISHED = `UPDATE read_model.dead_letters SET published_at = now() WHERE id = ANY($1::bigint[])`;

export interface DrainOptions {
  /** Dead letters per claim, send and mark. */
  readonly batchSize: number;
  /** Sends the copies and resolves once the topic acknowledged them all; a rejection leaves them unpublished. */
  readonly publish: (deadLetters: readonly UnpublishedDeadLetter[]) => Promise<void>;
  readonly signal?: AbortSignal;
}

/**
 * The dead-letter outbox: claims unpublished rows, publishes them, and marks them published in the
 * same transaction, batch after batch until none is left. Returns how many were published. A failed
 * send rolls the claim back, so the rows stay unpublished for the next drain.
 */
export async function drainDeadLetterOutbox(pool: Pool, options: DrainOptions): Promise<number> {
  let published = 0;
  while (options.signal?.aborted !== true) {
    const client = await pool.connect();
    let count: number;
    try {
      count = await publishOneBatch(client, options);
      client.release();
    } catch (error) {
      client.release(error instanceof Error ? error : true);
      throw error;
    }
    published += count;
    if (count < options.batchSize) break;
  }
  return published;
}

async function publishOneBatch(client: PoolClient, options: DrainOptions): Promise<number> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<UnpublishedRow>(CLAIM_UNPUBLISHED, [options.batchSize]);
    if (rows.length > 0) {
      await options.publish(rows.map(fromRow));
      await client.query(MARK_PUBLISHED, [rows.map((row) => row.id)]);
    }
    await client.query('COMMIT');
    return rows.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function fromRow(row: UnpublishedRow): UnpublishedDeadLetter {
  return { ...rawFromRow(row), ...deadLetterBase(row), createdAt: row.created_at };
}
