import type { ClientBase } from 'pg';
import { ORIGIN, type Checkpoint } from './checkpoint';

interface CheckpointRow {
  readonly transaction_id: string;
  readonly global_position: string;
}

/**
 * The relay's position, one row per relay name. Read and written on the leader's lock session, so a
 * relay that lost its session (and with it the lock) cannot move the checkpoint any more.
 */
export class CheckpointRepository {
  constructor(private readonly name: string) {}

  async load(session: ClientBase): Promise<Checkpoint> {
    const { rows } = await session.query<CheckpointRow>({
      name: 'relay_load_checkpoint',
      text: `SELECT transaction_id::text AS transaction_id, global_position::text AS global_position
               FROM event_store.relay_checkpoints WHERE name = $1`,
      values: [this.name],
    });
    const row = rows[0];
    return row === undefined ? ORIGIN : { transactionId: row.transaction_id, globalPosition: row.global_position };
  }

  /**
   * Only ever moves forward: should a deposed leader write late, it cannot drag the checkpoint back
   * behind what its successor already published (that would only cause duplicates, but needlessly).
   */
  async save(session: ClientBase, checkpoint: Checkpoint): Promise<void> {
    await session.query({
      name: 'relay_save_checkpoint',
      text: `INSERT INTO event_store.relay_checkpoints AS c (name, transaction_id, global_position, updated_at)
             VALUES ($1, $2::xid8, $3::bigint, now())
             ON CONFLICT (name) DO UPDATE
                SET transaction_id = EXCLUDED.transaction_id,
                    global_position = EXCLUDED.global_position,
                    updated_at = EXCLUDED.updated_at
              WHERE (c.transaction_id, c.global_position) < (EXCLUDED.transaction_id, EXCLUDED.global_position)`,
      values: [this.name, checkpoint.transactionId, checkpoint.globalPosition],
    });
  }
}
