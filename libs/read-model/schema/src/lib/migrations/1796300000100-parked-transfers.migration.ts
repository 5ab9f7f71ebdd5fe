import { DATABASE_ROLES } from '@ledger/platform';
import { MigrationInterface, QueryRunner } from 'typeorm';

const MESSAGE_DIGEST = `sha256(int4send(coalesce(length(message_key), -1)) || coalesce(message_key, ''::bytea) || coalesce(message_value, ''::bytea))`;

/**
 * Parking for transfer streams, beside the accounts' and shaped like it. A transfer's id is chosen by
 * its client, so it may equal an account's id: a transfer is parked in tables of its own, never under
 * `parked_accounts.account_id`, so one cannot park or unpark the other. A dead letter names the
 * transfer whose stream it stopped in `transfer_id` (its `account_id` is then null).
 */
export class ParkedTransfers1796300000100 implements MigrationInterface {
  readonly name = 'ParkedTransfers1796300000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE read_model.dead_letters ADD COLUMN transfer_id uuid NULL`);
    await queryRunner.query(
      `CREATE INDEX dead_letters_transfer_idx ON read_model.dead_letters (transfer_id, id) WHERE transfer_id IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE read_model.parked_transfers (
        transfer_id uuid PRIMARY KEY,
        dead_letter_id bigint NOT NULL REFERENCES read_model.dead_letters (id),
        reason text NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE read_model.parked_transfer_events (
        id bigserial PRIMARY KEY,
        transfer_id uuid NOT NULL REFERENCES read_model.parked_transfers (transfer_id) ON DELETE CASCADE,
        topic text NOT NULL,
        partition int NOT NULL,
        "offset" bigint NOT NULL,
        message_key bytea NULL,
        message_value bytea NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        held_at timestamptz NOT NULL DEFAULT now(),
        message_digest bytea GENERATED ALWAYS AS (${MESSAGE_DIGEST}) STORED,
        CONSTRAINT parked_transfer_events_message_key UNIQUE (transfer_id, topic, partition, "offset", message_digest)
      )`);
    await queryRunner.query(`CREATE INDEX parked_transfer_events_transfer_idx ON read_model.parked_transfer_events (transfer_id, id)`);
    // As for the accounts' parking: the query service reads neither the parked rows nor their raw messages.
    await queryRunner.query(`REVOKE ALL ON read_model.parked_transfers, read_model.parked_transfer_events FROM ${DATABASE_ROLES.query}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS read_model.parked_transfer_events`);
    await queryRunner.query(`DROP TABLE IF EXISTS read_model.parked_transfers`);
    await queryRunner.query(`DROP INDEX IF EXISTS read_model.dead_letters_transfer_idx`);
    await queryRunner.query(`ALTER TABLE read_model.dead_letters DROP COLUMN IF EXISTS transfer_id`);
  }
}
