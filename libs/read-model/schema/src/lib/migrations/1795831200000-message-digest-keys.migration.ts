import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A message's position (topic, partition, offset) names it only within one life of the topic: deleted
 * and created again under the same name, the topic starts its offsets over, and another message then
 * sits where an old dead letter or held message sat. Keyed by position alone, the new message updated
 * the old dead letter (parking its account behind another account's message) or was dropped from the
 * held ones. Keyed by position and content, a redelivery (same bytes at the same position) still finds
 * its row, and a new message gets one of its own. The digest covers key and value, the key's length
 * first so no split of the bytes between them collides.
 */
const MESSAGE_DIGEST = `sha256(int4send(coalesce(length(message_key), -1)) || coalesce(message_key, ''::bytea) || coalesce(message_value, ''::bytea))`;

export class MessageDigestKeys1795831200000 implements MigrationInterface {
  readonly name = 'MessageDigestKeys1795831200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE read_model.dead_letters ADD COLUMN message_digest bytea GENERATED ALWAYS AS (${MESSAGE_DIGEST}) STORED`,
    );
    await queryRunner.query(`
      ALTER TABLE read_model.dead_letters
        DROP CONSTRAINT dead_letters_message_key,
        ADD CONSTRAINT dead_letters_message_key UNIQUE (topic, partition, "offset", message_digest)`);
    await queryRunner.query(
      `ALTER TABLE read_model.parked_events ADD COLUMN message_digest bytea GENERATED ALWAYS AS (${MESSAGE_DIGEST}) STORED`,
    );
    await queryRunner.query(`
      ALTER TABLE read_model.parked_events
        DROP CONSTRAINT parked_events_message_key,
        ADD CONSTRAINT parked_events_message_key UNIQUE (account_id, topic, partition, "offset", message_digest)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE read_model.parked_events
        DROP CONSTRAINT parked_events_message_key,
        ADD CONSTRAINT parked_events_message_key UNIQUE (account_id, topic, partition, "offset"),
        DROP COLUMN message_digest`);
    await queryRunner.query(`
      ALTER TABLE read_model.dead_letters
        DROP CONSTRAINT dead_letters_message_key,
        ADD CONSTRAINT dead_letters_message_key UNIQUE (topic, partition, "offset"),
        DROP COLUMN message_digest`);
  }
}
