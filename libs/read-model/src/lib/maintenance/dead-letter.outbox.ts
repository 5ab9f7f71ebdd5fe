import type { Pool, PoolClient } from 'pg';

/** A dead letter whose copy has not yet been acknowledged by the dead-letter topic. */
export interface UnpublishedDeadLetter {
  readonly id: string;
  readonly accountId: string | null;
  readonly eventId: string | null;
  readonly version: number | null;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly error: string;
  readonly attempts: number;
  readonly createdAt: Date;
}

interface DeadLetterRow {
  readonly id: string;
  readonly account_id: string | null;
  readonly event_id: string | null;
  readonly version: string | null;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly message_key: Buffer | null;
  readonly message_value: Buffer | null;
  readonly headers: Record<string, string>;
  readonly error: string;
  readonly attempts: number;
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
    const { rows } = await client.query<DeadLetterRow>(CLAIM_UNPUBLISHED, [options.batchSize]);
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

function fromRow(row: DeadLetterRow): UnpublishedDeadLetter {
  return {
    id: row.id,
    accountId: row.account_id,
    eventId: row.event_id,
    version: row.version === null ? null : Number(row.version),
    topic: row.topic,
    partition: row.partition,
    offset: row.offset,
    key: row.message_key,
    value: row.message_value,
    headers: row.headers,
    error: row.error,
    attempts: row.attempts,
    createdAt: row.created_at,
  };
}
