import { MigrationInterface, QueryRunner } from 'typeorm';

/** Where the host's own alerting keeps what it was asked to send. */
export class CreateHostAlerts1700000000001 implements MigrationInterface {
  name = 'CreateHostAlerts1700000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE host_alerts (
        id bigserial PRIMARY KEY,
        severity varchar(20) NOT NULL,
        title text NOT NULL,
        message text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE host_alerts');
  }
}
