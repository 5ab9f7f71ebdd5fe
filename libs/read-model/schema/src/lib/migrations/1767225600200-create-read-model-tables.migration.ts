import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read models and the projector's own bookkeeping. Money is bigint (minor units); running totals
 * are numeric(38,0) because a sum of safe-integer deposits can pass bigint's range, and stays exact.
 */
export class CreateReadModelTables1767225600200 implements MigrationInterface {
  readonly name = 'CreateReadModelTables1767225600200';

  async up(queryRunner: QueryRunner): Promise<void> {
    // `version` is the account's last applied event version: the projector's guard against
    // duplicates (at or below it) and gaps (beyond the next one).
    await queryRunner.query(`
      CREATE TABLE read_model.accounts (
        account_id uuid PRIMARY KEY,
        owner text NOT NULL,
        currency char(3) NOT NULL,
        balance bigint NOT NULL CHECK (balance >= 0),
        status text NOT NULL CHECK (status IN ('ACTIVE', 'FROZEN', 'CLOSED')),
        version bigint NOT NULL CHECK (version >= 1),
        opened_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        total_deposited numeric(38, 0) NOT NULL DEFAULT 0 CHECK (total_deposited >= 0),
        total_withdrawn numeric(38, 0) NOT NULL DEFAULT 0 CHECK (total_withdrawn >= 0),
        transaction_count bigint NOT NULL DEFAULT 0 CHECK (transaction_count >= 0),
        last_activity_at timestamptz NULL
      )`);
    // Owner listing: exact owner, stable order (opened_at, account_id), keyset pages.
    await queryRunner.query(`CREATE INDEX accounts_owner_idx ON read_model.accounts (owner, opened_at, account_id)`);

    // One row per event of an account (money movements and status changes); the primary key serves
    // history pages newest first and SSE replay after a version.
    await queryRunner.query(`
      CREATE TABLE read_model.account_transactions (
        account_id uuid NOT NULL,
        version bigint NOT NULL CHECK (version >= 1),
        event_id uuid NOT NULL,
        type text NOT NULL,
        amount bigint NULL CHECK (amount >= 0),
        balance_after bigint NOT NULL CHECK (balance_after >= 0),
        status_after text NOT NULL CHECK (status_after IN ('ACTIVE', 'FROZEN', 'CLOSED')),
        reason text NULL,
        occurred_at timestamptz NOT NULL,
        correlation_id text NOT NULL,
        CONSTRAINT account_transactions_pkey PRIMARY KEY (account_id, version),
        CONSTRAINT account_transactions_event_id_key UNIQUE (event_id)
      )`);

    await queryRunner.query(`
      CREATE TABLE read_model.processed_events (
        projection text NOT NULL,
        event_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT processed_events_pkey PRIMARY KEY (projection, event_id)
      )`);
    await queryRunner.query(`CREATE INDEX processed_events_processed_at_idx ON read_model.processed_events (processed_at)`);

    // What could not be applied, with the raw message, so an operator can see it and re-drive it.
    // `published_at` is null until the copy on the dead-letter topic was acknowledged (an outbox).
    await queryRunner.query(`
      CREATE TABLE read_model.dead_letters (
        id bigserial PRIMARY KEY,
        account_id uuid NULL,
        event_id uuid NULL,
        version bigint NULL,
        topic text NOT NULL,
        partition int NOT NULL,
        "offset" bigint NOT NULL,
        message_key bytea NULL,
        message_value bytea NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        error text NOT NULL,
        attempts int NOT NULL CHECK (attempts >= 1),
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'redriven', 'healed', 'skipped')),
        resolved_at timestamptz NULL,
        -- A redelivered message updates its dead letter instead of adding another.
        CONSTRAINT dead_letters_message_key UNIQUE (topic, partition, "offset")
      )`);
    await queryRunner.query(`CREATE INDEX dead_letters_account_idx ON read_model.dead_letters (account_id, id)`);
    await queryRunner.query(`CREATE INDEX dead_letters_unpublished_idx ON read_model.dead_letters (id) WHERE published_at IS NULL`);

    // A parked account's later events wait here, in arrival order, until an operator acts.
    await queryRunner.query(`
      CREATE TABLE read_model.parked_accounts (
        account_id uuid PRIMARY KEY,
        dead_letter_id bigint NOT NULL REFERENCES read_model.dead_letters (id),
        reason text NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE read_model.parked_events (
        id bigserial PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES read_model.parked_accounts (account_id) ON DELETE CASCADE,
        topic text NOT NULL,
        partition int NOT NULL,
        "offset" bigint NOT NULL,
        message_key bytea NULL,
        message_value bytea NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        held_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT parked_events_message_key UNIQUE (account_id, topic, partition, "offset")
      )`);
    await queryRunner.query(`CREATE INDEX parked_events_account_idx ON read_model.parked_events (account_id, id)`);

    // Every operator action (redrive, heal, skip, rebuild), for the audit trail.
    await queryRunner.query(`
      CREATE TABLE read_model.operator_actions (
        id bigserial PRIMARY KEY,
        action text NOT NULL,
        target text NOT NULL,
        outcome text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}',
        performed_by text NOT NULL,
        performed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'operator_actions',
      'parked_events',
      'parked_accounts',
      'dead_letters',
      'processed_events',
      'account_transactions',
      'accounts',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS read_model.${table}`);
    }
  }
}
