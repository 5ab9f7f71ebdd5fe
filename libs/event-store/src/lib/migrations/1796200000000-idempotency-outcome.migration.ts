import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An idempotency key records the command's outcome (its events and state, or its rejection), no longer
 * the HTTP response the command service rendered from it. The column keeps its shape (opaque json);
 * the rows written before keep their meaning: each was an accepted command, `{"status":201,"body":{..}}`
 * with the account's new version and the events appended, which becomes
 * `{"outcome":"accepted","version":V,"eventCount":N}`. The command handler reads such an outcome's
 * state and events back from the stream (they are its versions V-N+1..V), so a retry that straddles
 * the upgrade is still answered as it was first.
 */
export class IdempotencyOutcome1796200000000 implements MigrationInterface {
  readonly name = 'IdempotencyOutcome1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE event_store.idempotency_keys
         SET result = json_build_object(
               'outcome', 'accepted',
               'version', (result->'body'->>'version')::bigint,
               'eventCount', json_array_length(result->'body'->'events'))
       WHERE json_typeof(result) = 'object' AND result->'outcome' IS NULL`);
  }

  /**
   * The rendered responses cannot be rebuilt from outcomes in SQL, and the code before this migration
   * cannot replay an outcome: refuses (and changes nothing) while any key is stored. Keys expire after
   * IDEMPOTENCY_RETENTION, or may be deleted, knowing that a retry with a deleted key runs again.
   */
  async down(queryRunner: QueryRunner): Promise<void> {
    const rows: { n: string }[] = await queryRunner.query(`SELECT count(*) AS n FROM event_store.idempotency_keys`);
    if (Number(rows[0]?.n ?? 0) > 0) {
      throw new Error('IdempotencyOutcome: idempotency keys are stored; the previous release could not replay them');
    }
  }
}
