import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The projector's schema, separate from `event_store` so the two can move to separate databases.
 * Tables arrive with the projections that fill them.
 */
export class CreateReadModelSchema1767225600100 implements MigrationInterface {
  readonly name = 'CreateReadModelSchema1767225600100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE SCHEMA IF NOT EXISTS read_model');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP SCHEMA IF EXISTS read_model CASCADE');
  }
}
