import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event store's tables. Raw SQL on purpose: xid8 columns, CHECK constraints and partial control
 * over index names are clearer here than through TypeORM's schema builder.
 */
export class CreateEventStore1767225600000 implements MigrationInterface {
  readonly name = 'CreateEventStore1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS event_store`);

    // One row per stream: the append updates it first, which serialises writers of a stream and makes
    // the transaction's xid order match the stream's version order (docs/design.md §5).
    await queryRunner.query(`
      CREATE TABLE event_store.streams (
        stream_id text PRIMARY KEY CHECK (char_length(stream_id) BETWEEN 1 AND 200),
        version bigint NOT NULL CHECK (version >= 1),
        last_transaction_id xid8 NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE event_store.events (
        global_position bigserial PRIMARY KEY,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id text NOT NULL,
        version bigint NOT NULL CHECK (version >= 1),
        event_id uuid NOT NULL,
        type text NOT NULL,
        schema_version int NOT NULL CHECK (schema_version >= 1),
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_event_id_key UNIQUE (event_id),
        CONSTRAINT events_stream_id_version_key UNIQUE (stream_id, version)
      )`);
    // The relay reads in commit order: (transaction_id, global_position) > checkpoint.
    await queryRunner.query(
      `CREATE INDEX events_transaction_id_global_position_idx ON event_store.events (transaction_id, global_position)`,
    );

    // Only the latest snapshot per stream is kept; a reader ignores it when its schema version differs.
    await queryRunner.query(`
      CREATE TABLE event_store.snapshots (
        stream_id text PRIMARY KEY,
        version bigint NOT NULL CHECK (version >= 1),
        schema_version int NOT NULL CHECK (schema_version >= 1),
        state jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE event_store.idempotency_keys (
        key text PRIMARY KEY CHECK (char_length(key) BETWEEN 1 AND 200),
        request_hash text NOT NULL,
        response_status int NOT NULL,
        -- json, not jsonb: a replay must return the first response byte for byte, key order included.
        response_body json NOT NULL,
        stream_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE event_store.relay_checkpoints (
        name text PRIMARY KEY,
        transaction_id xid8 NOT NULL,
        global_position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS event_store.relay_checkpoints`);
    await queryRunner.query(`DROP TABLE IF EXISTS event_store.idempotency_keys`);
    await queryRunner.query(`DROP TABLE IF EXISTS event_store.snapshots`);
    await queryRunner.query(`DROP TABLE IF EXISTS event_store.events`);
    await queryRunner.query(`DROP TABLE IF EXISTS event_store.streams`);
    // RESTRICT: refuse to drop the schema if something outside these migrations lives in it.
    await queryRunner.query(`DROP SCHEMA IF EXISTS event_store RESTRICT`);
  }
}
