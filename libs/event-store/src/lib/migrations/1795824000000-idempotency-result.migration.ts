import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An idempotency key remembers an opaque JSON result chosen by the caller instead of an HTTP status
 * and body: the store knows nothing of HTTP. Existing rows keep their response, folded into
 * `{"status":..,"body":..}`, which is what the command service stores from now on.
 */
export class IdempotencyResult1795824000000 implements MigrationInterface {
  readonly name = 'IdempotencyResult1795824000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // json, not jsonb: a replay must return the first result byte for byte, key order included.
    await queryRunner.query(`ALTER TABLE event_store.idempotency_keys ADD COLUMN result json`);
    // Built as text so the stored body is embedded exactly as it was written.
    await queryRunner.query(`
      UPDATE event_store.idempotency_keys
         SET result = ('{"status":' || response_status || ',"body":' || response_body::text || '}')::json`);
    await queryRunner.query(`ALTER TABLE event_store.idempotency_keys ALTER COLUMN result SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE event_store.idempotency_keys DROP COLUMN response_status, DROP COLUMN response_body`);
  }

  /** Fails (and changes nothing) when a stored result is not a `{status, body}` response. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE event_store.idempotency_keys ADD COLUMN response_status int, ADD COLUMN response_body json`);
    await queryRunner.query(`
      UPDATE event_store.idempotency_keys
         SET response_status = (result->>'status')::int, response_body = result->'body'`);
    await queryRunner.query(`
      ALTER TABLE event_store.idempotency_keys
        ALTER COLUMN response_status SET NOT NULL,
        ALTER COLUMN response_body SET NOT NULL,
        DROP COLUMN result`);
  }
}
