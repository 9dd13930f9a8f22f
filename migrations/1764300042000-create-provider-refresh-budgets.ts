import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each provider's refresh budget, shared by every replica: a token bucket (tokens, refilled_at)
 * whose rate adapts to throttling, the pause a Retry-After asked for, and each replica's requests
 * in flight (a replica that stops reporting drops out after a lease).
 */
export class CreateProviderRefreshBudgets1764300042000 implements MigrationInterface {
  name = 'CreateProviderRefreshBudgets1764300042000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE provider_refresh_budgets (
        budget_key varchar(64) PRIMARY KEY,
        tokens double precision NOT NULL DEFAULT 0,
        refilled_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        rate double precision,
        paused_until timestamptz,
        rate_lowered_at timestamptz,
        previous_rate_lowered_at timestamptz,
        throttled_total bigint NOT NULL DEFAULT 0,
        last_throttled_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE provider_refresh_in_flight (
        budget_key varchar(64) NOT NULL,
        replica uuid NOT NULL,
        in_flight integer NOT NULL,
        seen_at timestamptz NOT NULL,
        PRIMARY KEY (budget_key, replica)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE provider_refresh_in_flight');
    await queryRunner.query('DROP TABLE provider_refresh_budgets');
  }
}
