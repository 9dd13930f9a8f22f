import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin console's session generation: one row, shared by every replica. A
 * signed session cookie carries the generation it was issued in; logging out
 * advances it, which ends every session at once, on every replica.
 */
export class CreateConsoleSessionGeneration1764200021000 implements MigrationInterface {
  name = 'CreateConsoleSessionGeneration1764200021000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE console_session_generation (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        generation bigint NOT NULL DEFAULT 1,
        advanced_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('INSERT INTO console_session_generation DEFAULT VALUES');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE console_session_generation');
  }
}
