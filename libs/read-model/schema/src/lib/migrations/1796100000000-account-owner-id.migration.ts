import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who an account belongs to: the `sub` of the token that opened it, so reads can be limited to the
 * caller's own accounts. NULL for accounts opened before owners existed (operators only). The index
 * serves "my accounts" in the same stable keyset order as the listing by owner name.
 */
export class AccountOwnerId1796100000000 implements MigrationInterface {
  readonly name = 'AccountOwnerId1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE read_model.accounts ADD COLUMN owner_id text NULL`);
    await queryRunner.query(`CREATE INDEX accounts_owner_id_idx ON read_model.accounts (owner_id, opened_at, account_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS read_model.accounts_owner_id_idx`);
    await queryRunner.query(`ALTER TABLE read_model.accounts DROP COLUMN IF EXISTS owner_id`);
  }
}
