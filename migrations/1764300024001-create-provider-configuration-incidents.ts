import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per provider whose OAuth app credentials are missing while it has tokens to refresh.
 * The primary key lets replicas that see the same gap agree on one row: only the one that
 * inserted it (or moved its reminder on, or deleted it) announces it.
 */
export class CreateProviderConfigurationIncidents1764300024001 implements MigrationInterface {
  name = 'CreateProviderConfigurationIncidents1764300024001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE provider_configuration_incidents (
        provider varchar(100) PRIMARY KEY,
        opened_at timestamptz NOT NULL DEFAULT now(),
        last_alerted_at timestamptz NOT NULL DEFAULT now(),
        affected integer NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE provider_configuration_incidents');
  }
}
