import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for housekeeping: expired OAuth states are deleted in the background (by expiry),
 * state issuance is counted per connection (rate limit), and settled outbox rows are pruned
 * after their retention period (they hold connect links in plain text).
 */
export class IndexConnectStatesAndOutboxRetention1764000011000 implements MigrationInterface {
  name = 'IndexConnectStatesAndOutboxRetention1764000011000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX ix_oauth_connect_states_expires_at ON oauth_connect_states (expires_at)');
    await queryRunner.query('CREATE INDEX ix_oauth_connect_states_issued ON oauth_connect_states (client_id, provider, created_at)');
    await queryRunner.query(`CREATE INDEX ix_alert_outbox_settled ON alert_outbox (created_at) WHERE status <> 'pending'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX ix_alert_outbox_settled');
    await queryRunner.query('DROP INDEX ix_oauth_connect_states_issued');
    await queryRunner.query('DROP INDEX ix_oauth_connect_states_expires_at');
  }
}
