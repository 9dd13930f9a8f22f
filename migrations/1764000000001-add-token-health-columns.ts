import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddTokenHealthColumns1764000000001 implements MigrationInterface {
  name = 'AddTokenHealthColumns1764000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE oauth_tokens
        ADD COLUMN token_status varchar(20) NOT NULL DEFAULT 'healthy',
        ADD COLUMN last_health_check timestamptz NULL,
        ADD COLUMN health_check_error text NULL,
        ADD COLUMN last_refreshed_at timestamptz NULL,
        ADD COLUMN last_refresh_attempt_at timestamptz NULL,
        ADD COLUMN refresh_token_expires_at timestamptz NULL,
        ADD COLUMN accounts_server varchar(255) NULL,
        ADD COLUMN api_domain varchar(255) NULL,
        ADD COLUMN health_check_lease_until timestamptz NULL,
        ADD CONSTRAINT ck_oauth_tokens_token_status
          CHECK (token_status IN ('healthy', 'expiring', 'refresh_failed', 'invalid'))`);
    // The checker's claim query walks tokens by access-token expiry.
    await queryRunner.query('CREATE INDEX ix_oauth_tokens_token_expiry ON oauth_tokens (token_expiry)');
    await queryRunner.query('CREATE INDEX ix_oauth_tokens_token_status ON oauth_tokens (token_status)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX ix_oauth_tokens_token_status');
    await queryRunner.query('DROP INDEX ix_oauth_tokens_token_expiry');
    await queryRunner.query(`
      ALTER TABLE oauth_tokens
        DROP CONSTRAINT ck_oauth_tokens_token_status,
        DROP COLUMN health_check_lease_until,
        DROP COLUMN api_domain,
        DROP COLUMN accounts_server,
        DROP COLUMN refresh_token_expires_at,
        DROP COLUMN last_refresh_attempt_at,
        DROP COLUMN last_refreshed_at,
        DROP COLUMN health_check_error,
        DROP COLUMN last_health_check,
        DROP COLUMN token_status`);
  }
}
