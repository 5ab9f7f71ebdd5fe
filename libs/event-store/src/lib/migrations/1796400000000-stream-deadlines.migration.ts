import { DATABASE_ROLES } from '@ledger/platform';
import { MigrationInterface, QueryRunner } from 'typeorm';

const { command, relay } = DATABASE_ROLES;

/**
 * When a stream wants attention (a hold's expiry): set and cleared by the command service in the
 * transaction of an append, and scanned earliest first by its expiry worker. The roles migration's
 * default privileges give the command role SELECT, INSERT, UPDATE; a cleared deadline is a deleted
 * row, hence DELETE. The relay reads events, never deadlines, so its default SELECT is revoked.
 */
export class StreamDeadlines1796400000000 implements MigrationInterface {
  readonly name = 'StreamDeadlines1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE event_store.stream_deadlines (
        stream_id text PRIMARY KEY,
        due_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX stream_deadlines_due_at_idx ON event_store.stream_deadlines (due_at, stream_id)`);
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON event_store.stream_deadlines TO ${command}`);
    await queryRunner.query(`REVOKE ALL ON event_store.stream_deadlines FROM ${relay}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS event_store.stream_deadlines`);
  }
}
