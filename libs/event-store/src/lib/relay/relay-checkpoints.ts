import { COMMIT_ORIGIN, type CommitPosition } from '../committed-events.reader';
import type { Queryable } from '../queryable';

/**
 * Where a relay publishes: the Kafka cluster and the topic, by name and by id. Kafka gives a topic a
 * new id when it is deleted and created again under the same name; `topicId` is null when the broker
 * does not report topic ids (before Kafka 2.8).
 */
export interface RelayDestination {
  readonly clusterId: string;
  readonly topic: string;
  readonly topicId: string | null;
}

/** A relay's checkpoint: how far it published (the last acknowledged event) and where to. */
export interface RelayCheckpoint {
  readonly position: CommitPosition;
  /** Null until the relay records one (a fresh checkpoint, or one from before destinations were kept). */
  readonly destination: RelayDestination | null;
}

interface CheckpointRow {
  readonly transaction_id: string;
  readonly global_position: string;
  readonly kafka_cluster_id: string | null;
  readonly kafka_topic: string | null;
  readonly kafka_topic_id: string | null;
}

const LOAD = {
  name: 'relay_checkpoint_load',
  text: `SELECT transaction_id::text AS transaction_id, global_position::text AS global_position,
                kafka_cluster_id, kafka_topic, kafka_topic_id
           FROM event_store.relay_checkpoints WHERE name = $1`,
};

/**
 * Only ever moves forward: should a deposed leader write late, it cannot drag the checkpoint back
 * behind what its successor already published (that would only cause duplicates, but needlessly).
 */
const SAVE_POSITION = {
  name: 'relay_checkpoint_save_position',
  text: `INSERT INTO event_store.relay_checkpoints AS c (name, transaction_id, global_position, updated_at)
         VALUES ($1, $2::xid8, $3::bigint, now())
         ON CONFLICT (name) DO UPDATE
            SET transaction_id = EXCLUDED.transaction_id,
                global_position = EXCLUDED.global_position,
                updated_at = EXCLUDED.updated_at
          WHERE (c.transaction_id, c.global_position) < (EXCLUDED.transaction_id, EXCLUDED.global_position)`,
};

/** $5: reset the position to the origin (republish everything) or keep it. */
const RECORD_DESTINATION = {
  name: 'relay_checkpoint_record_destination',
  text: `INSERT INTO event_store.relay_checkpoints AS c
                (name, transaction_id, global_position, kafka_cluster_id, kafka_topic, kafka_topic_id, updated_at)
         VALUES ($1, '0'::xid8, 0, $2, $3, $4, now())
         ON CONFLICT (name) DO UPDATE
            SET kafka_cluster_id = EXCLUDED.kafka_cluster_id,
                kafka_topic = EXCLUDED.kafka_topic,
                kafka_topic_id = EXCLUDED.kafka_topic_id,
                transaction_id = CASE WHEN $5::boolean THEN EXCLUDED.transaction_id ELSE c.transaction_id END,
                global_position = CASE WHEN $5::boolean THEN EXCLUDED.global_position ELSE c.global_position END,
                updated_at = EXCLUDED.updated_at`,
};

/**
 * The checkpoint of one relay, by name (`event_store.relay_checkpoints`, one row per relay). The
 * relay reads and writes it on the session that holds its leader lock, so a replica that lost the
 * lock (and with it that session) cannot move it any more; hence every method takes the connection.
 */
export class RelayCheckpoints {
  constructor(readonly name: string) {}

  /** The origin and no destination when this relay never saved anything. */
  async load(db: Queryable): Promise<RelayCheckpoint> {
    const { rows } = await db.query<CheckpointRow>({ ...LOAD, values: [this.name] });
    const row = rows[0];
    if (row === undefined) return { position: COMMIT_ORIGIN, destination: null };
    return {
      position: { transactionId: row.transaction_id, globalPosition: row.global_position },
      destination: destinationOf(row),
    };
  }

  /** Moves the position forward (never back); the recorded destination is left as it is. */
  async save(db: Queryable, position: CommitPosition): Promise<void> {
    await db.query({ ...SAVE_POSITION, values: [this.name, position.transactionId, position.globalPosition] });
  }

  /** Records where the relay publishes from now on, keeping the position. */
  async recordDestination(db: Queryable, destination: RelayDestination): Promise<void> {
    await this.writeDestination(db, destination, false);
  }

  /**
   * Records a new destination and moves the position back to the origin, in one statement: the new
   * destination has none of the events published so far, so the relay sends them all again.
   */
  async restartAt(db: Queryable, destination: RelayDestination): Promise<void> {
    await this.writeDestination(db, destination, true);
  }

  private async writeDestination(db: Queryable, destination: RelayDestination, fromOrigin: boolean): Promise<void> {
    const { clusterId, topic, topicId } = destination;
    await db.query({ ...RECORD_DESTINATION, values: [this.name, clusterId, topic, topicId, fromOrigin] });
  }
}

function destinationOf(row: CheckpointRow): RelayDestination | null {
  if (row.kafka_cluster_id === null || row.kafka_topic === null) return null;
  return { clusterId: row.kafka_cluster_id, topic: row.kafka_topic, topicId: row.kafka_topic_id };
}
