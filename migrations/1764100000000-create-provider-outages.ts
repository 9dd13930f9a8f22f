import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per provider outage incident. The partial unique index allows one
 * open incident per provider, so replicas that detect the same outage agree on
 * a single row (INSERT … ON CONFLICT DO NOTHING): only the one that inserted it
 * announces it.
 */
export class CreateProviderOutages1764100000000 implements MigrationInterface {
  name = 'CreateProviderOutages1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE provider_outages (
        id bigserial PRIMARY KEY,
        provider varchar(100) NOT NULL,
        opened_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz NULL,
        -- start of the check cycle whose tally this row last took in
        last_cycle_at timestamptz NOT NULL,
        failures integer NOT NULL,
        attempts integer NOT NULL,
        last_notified_at timestamptz NOT NULL DEFAULT now(),
        last_notified_cycle_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX ux_provider_outages_open ON provider_outages (provider) WHERE closed_at IS NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE provider_outages');
  }
}
