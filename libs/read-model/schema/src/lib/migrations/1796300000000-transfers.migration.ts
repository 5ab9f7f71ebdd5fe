import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Transfers and holds on the read side (docs/design.md §15).
 *
 * - Accounts gain `reserved` (held by pending transfers); the available balance is `balance - reserved`.
 * - History rows gain the transfer they belong to, the other party, and `reserved_after`; an index on
 *   (account_id, occurred_at) serves time-range history, statements and the balance at an instant.
 * - A transfer's legs travel on different partitions, so the read side keeps each state of the
 *   transfer's own stream (`transfer_states`, one per version) and which legs its accounts have applied
 *   (`transfer_legs`, at most one per leg type: a transfer's legs never repeat a type). The query serves
 *   the latest state whose legs are all in, and so never shows a transfer half done.
 */
export class Transfers1796300000000 implements MigrationInterface {
  readonly name = 'Transfers1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE read_model.accounts ADD COLUMN reserved bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0)`);
    await queryRunner.query(`
      ALTER TABLE read_model.account_transactions
        ADD COLUMN transfer_id uuid NULL,
        ADD COLUMN counterparty_account_id uuid NULL,
        ADD COLUMN reserved_after bigint NOT NULL DEFAULT 0 CHECK (reserved_after >= 0)`);
    await queryRunner.query(
      `CREATE INDEX account_transactions_occurred_at_idx ON read_model.account_transactions (account_id, occurred_at, version)`,
    );

    // The transfer's terms, from the first event of its stream; `version` is its stream's last applied event.
    await queryRunner.query(`
      CREATE TABLE read_model.transfers (
        transfer_id uuid PRIMARY KEY,
        from_account_id uuid NOT NULL,
        to_account_id uuid NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL,
        reference text NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NULL,
        version bigint NOT NULL CHECK (version >= 1)
      )`);
    await queryRunner.query(`CREATE INDEX transfers_from_account_idx ON read_model.transfers (from_account_id, created_at)`);
    await queryRunner.query(`CREATE INDEX transfers_to_account_idx ON read_model.transfers (to_account_id, created_at)`);

    await queryRunner.query(`
      CREATE TABLE read_model.transfer_states (
        transfer_id uuid NOT NULL REFERENCES read_model.transfers (transfer_id) ON DELETE CASCADE,
        version bigint NOT NULL CHECK (version >= 1),
        status text NOT NULL CHECK (status IN ('completed', 'pending', 'posted', 'voided', 'expired')),
        posted_amount bigint NOT NULL CHECK (posted_amount >= 0),
        updated_at timestamptz NOT NULL,
        CONSTRAINT transfer_states_pkey PRIMARY KEY (transfer_id, version)
      )`);

    // No foreign key: a leg may be applied before its transfer's stream reaches the read model.
    await queryRunner.query(`
      CREATE TABLE read_model.transfer_legs (
        transfer_id uuid NOT NULL,
        leg text NOT NULL CHECK (leg IN ('TransferDebited', 'TransferCredited', 'HoldPlaced', 'HoldPosted', 'HoldReleased')),
        account_id uuid NOT NULL,
        account_version bigint NOT NULL CHECK (account_version >= 1),
        CONSTRAINT transfer_legs_pkey PRIMARY KEY (transfer_id, leg)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['transfer_legs', 'transfer_states', 'transfers']) {
      await queryRunner.query(`DROP TABLE IF EXISTS read_model.${table}`);
    }
    await queryRunner.query(`DROP INDEX IF EXISTS read_model.account_transactions_occurred_at_idx`);
    await queryRunner.query(`
      ALTER TABLE read_model.account_transactions
        DROP COLUMN IF EXISTS transfer_id,
        DROP COLUMN IF EXISTS counterparty_account_id,
        DROP COLUMN IF EXISTS reserved_after`);
    await queryRunner.query(`ALTER TABLE read_model.accounts DROP COLUMN IF EXISTS reserved`);
  }
}
