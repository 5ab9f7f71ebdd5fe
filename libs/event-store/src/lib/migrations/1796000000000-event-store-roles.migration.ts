import { DATABASE_ROLES, ensureLoginRoleSql, revokeSchemaGrantsSql, grantPredefinedRoleSql } from '@ledger/platform';
import { MigrationInterface, QueryRunner } from 'typeorm';

const { command, relay } = DATABASE_ROLES;

/**
 * The command service appends (events are never updated or deleted, so it may not) and prunes expired idempotency keys; the relay reads
 * events and keeps its checkpoint. Neither owns anything: the migrating role does. Tables a later
 * migration creates get the same split through default privileges of the migrating role; a migration
 * that wants less for a table revokes it there.
 */
const GRANTS = [
  `GRANT USAGE ON SCHEMA event_store TO ${command}, ${relay}`,
  `GRANT SELECT, INSERT, UPDATE ON event_store.streams, event_store.snapshots TO ${command}`,
  `GRANT SELECT, INSERT ON event_store.events TO ${command}`,
  // Idempotency keys expire: the command service prunes them (never an event), locking each batch with
  // FOR UPDATE SKIP LOCKED so replicas pruning at once never wait on each other, which takes UPDATE.
  `GRANT SELECT, INSERT, UPDATE, DELETE ON event_store.idempotency_keys TO ${command}`,
  `GRANT USAGE ON SEQUENCE event_store.events_global_position_seq TO ${command}`,
  `GRANT SELECT ON event_store.events TO ${relay}`,
  `GRANT SELECT, INSERT, UPDATE ON event_store.relay_checkpoints TO ${relay}`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA event_store GRANT SELECT, INSERT, UPDATE ON TABLES TO ${command}`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA event_store GRANT USAGE ON SEQUENCES TO ${command}`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA event_store GRANT SELECT ON TABLES TO ${relay}`,
];

const REVOKES = revokeSchemaGrantsSql('event_store', [command, relay], [command]);

export class EventStoreRoles1796000000000 implements MigrationInterface {
  readonly name = 'EventStoreRoles1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(ensureLoginRoleSql(command));
    await queryRunner.query(ensureLoginRoleSql(relay));
    // The relay's lag metric reads other sessions' open transactions in pg_stat_activity.
    await queryRunner.query(grantPredefinedRoleSql('pg_read_all_stats', relay));
    for (const statement of GRANTS) await queryRunner.query(statement);
  }

  /** The roles stay: they are the server's, and other databases may use them. */
  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of REVOKES) await queryRunner.query(statement);
  }
}
