import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per completed whole-fleet sweep: when it started and ended, and the timing rules it judged by.
 * A sweep writes only the rows whose verdict changed; every other row it examined takes its
 * `last_health_check` from here (see effective-health-check.sql.ts), so an unchanged fleet
 * costs one row per cycle instead of a rewrite of the table.
 */
export class CreateTokenHealthSweeps1764300043000 implements MigrationInterface {
  name = 'CreateTokenHealthSweeps1764300043000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE token_health_sweeps (
        id bigserial PRIMARY KEY,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL DEFAULT now(),
        expiry_window_minutes float8 NOT NULL,
        min_refresh_interval_minutes float8 NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX ix_token_health_sweeps_started_at ON token_health_sweeps (started_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE token_health_sweeps');
  }
}
