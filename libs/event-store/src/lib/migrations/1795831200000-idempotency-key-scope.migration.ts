import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An idempotency key belongs to a scope (the command service uses the caller's subject): the same key
 * from two scopes are two keys, so one caller can neither replay nor block another's. Keys from before
 * this migration get the empty scope; they are pruned with the rest once their retention has passed,
 * which `created_at`'s index makes a cheap range scan.
 */
export class IdempotencyKeyScope1795831200000 implements MigrationInterface {
  readonly name = 'IdempotencyKeyScope1795831200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE event_store.idempotency_keys
        ADD COLUMN scope text NOT NULL DEFAULT '' CHECK (char_length(scope) <= 255)`);
    // Every append names its scope from now on; no default hides one that forgot.
    await queryRunner.query(`ALTER TABLE event_store.idempotency_keys ALTER COLUMN scope DROP DEFAULT`);
    await queryRunner.query(`
      ALTER TABLE event_store.idempotency_keys
        DROP CONSTRAINT idempotency_keys_pkey,
        ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (scope, key)`);
    await queryRunner.query(`CREATE INDEX idempotency_keys_created_at_idx ON event_store.idempotency_keys (created_at)`);
  }

  /** Fails (and changes nothing) when two scopes hold the same key. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX event_store.idempotency_keys_created_at_idx`);
    await queryRunner.query(`
      ALTER TABLE event_store.idempotency_keys
        DROP CONSTRAINT idempotency_keys_pkey,
        ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (key),
        DROP COLUMN scope`);
  }
}
