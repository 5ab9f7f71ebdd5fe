import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The relay's checkpoint says how far it published; these columns say where to. Without them a fresh
 * broker or a recreated topic behind an existing checkpoint goes unnoticed, and the new topic never
 * gets the events the checkpoint counts as sent. Nullable: a checkpoint from before this migration
 * simply has no destination recorded yet, and the relay records it on its next start.
 */
export class RelayCheckpointDestination1795827600000 implements MigrationInterface {
  readonly name = 'RelayCheckpointDestination1795827600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE event_store.relay_checkpoints
        ADD COLUMN kafka_cluster_id text CHECK (char_length(kafka_cluster_id) BETWEEN 1 AND 200),
        ADD COLUMN kafka_topic text CHECK (char_length(kafka_topic) BETWEEN 1 AND 249),
        ADD COLUMN kafka_topic_id text CHECK (char_length(kafka_topic_id) BETWEEN 1 AND 200),
        ADD CONSTRAINT relay_checkpoints_destination_complete
          CHECK ((kafka_cluster_id IS NULL) = (kafka_topic IS NULL))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE event_store.relay_checkpoints
        DROP CONSTRAINT relay_checkpoints_destination_complete,
        DROP COLUMN kafka_topic_id,
        DROP COLUMN kafka_topic,
        DROP COLUMN kafka_cluster_id`);
  }
}
