import type { Pool } from 'pg';

/**
 * When the projector applied each event: the start of the read-model transaction that recorded its
 * id (`processed_events.processed_at`), in epoch milliseconds with the database's microseconds kept.
 */
export async function projectedAtByEvent(pool: Pool): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ event_id: string; at: number }>(
    `SELECT event_id::text AS event_id, (extract(epoch FROM processed_at) * 1000)::float8 AS at FROM read_model.processed_events`,
  );
  return new Map(rows.map((row) => [row.event_id, row.at]));
}
