import { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-token alert state (one alert per incident) and the durable delivery outbox. */
export class CreateAlertOutbox1764000000002 implements MigrationInterface {
  name = 'CreateAlertOutbox1764000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE oauth_tokens
        ADD COLUMN last_alert_status varchar(20) NULL,
        ADD COLUMN last_alerted_at timestamptz NULL`);
    await queryRunner.query(`
      CREATE TABLE alert_outbox (
        id bigserial PRIMARY KEY,
        channel varchar(32) NOT NULL,
        severity varchar(16) NOT NULL,
        payload jsonb NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending'
          CONSTRAINT ck_alert_outbox_status CHECK (status IN ('pending', 'sent', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz NULL,
        last_error text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz NULL
      )`);
    await queryRunner.query(`CREATE INDEX ix_alert_outbox_due ON alert_outbox (channel, next_attempt_at) WHERE status = 'pending'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE alert_outbox');
    await queryRunner.query('ALTER TABLE oauth_tokens DROP COLUMN last_alerted_at, DROP COLUMN last_alert_status');
  }
}
