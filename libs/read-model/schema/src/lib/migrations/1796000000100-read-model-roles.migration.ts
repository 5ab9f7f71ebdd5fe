import { DATABASE_ROLES, ensureLoginRoleSql, revokeSchemaGrantsSql } from '@ledger/platform';
import { MigrationInterface, QueryRunner } from 'typeorm';

const { projector, query } = DATABASE_ROLES;

/**
 * The projector writes what its batches, its maintenance and its gap closing (a re-drive, recorded as
 * an operator action) write; history rows and the audit trail only grow. The query service reads the
 * two read models and nothing else (not the dead letters' raw messages, not the audit trail). Tables a later migration creates are
 * written by the projector and read by the query service through default privileges of the migrating
 * role; a migration that wants less for a table revokes it there. The rebuild's fresh tables take the
 * live tables' privileges exactly.
 */
const GRANTS = [
  `GRANT USAGE ON SCHEMA read_model TO ${projector}, ${query}`,
  `GRANT SELECT, INSERT, UPDATE ON read_model.accounts, read_model.dead_letters TO ${projector}`,
  `GRANT SELECT, INSERT ON read_model.account_transactions, read_model.operator_actions TO ${projector}`,
  `GRANT SELECT, INSERT, UPDATE, DELETE ON read_model.parked_accounts TO ${projector}`,
  `GRANT SELECT, INSERT, DELETE ON read_model.parked_events, read_model.processed_events TO ${projector}`,
  `GRANT USAGE ON ALL SEQUENCES IN SCHEMA read_model TO ${projector}`,
  `GRANT SELECT ON read_model.accounts, read_model.account_transactions TO ${query}`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA read_model GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${projector}`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA read_model GRANT USAGE ON SEQUENCES TO ${projector}`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA read_model GRANT SELECT ON TABLES TO ${query}`,
];

const REVOKES = revokeSchemaGrantsSql('read_model', [projector, query], [projector]);

export class ReadModelRoles1796000000100 implements MigrationInterface {
  readonly name = 'ReadModelRoles1796000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(ensureLoginRoleSql(projector));
    await queryRunner.query(ensureLoginRoleSql(query));
    for (const statement of GRANTS) await queryRunner.query(statement);
  }

  /** The roles stay: they are the server's, and other databases may use them. */
  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of REVOKES) await queryRunner.query(statement);
  }
}
