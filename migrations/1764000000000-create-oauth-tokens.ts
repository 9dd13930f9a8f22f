import { MigrationInterface, QueryRunner } from 'typeorm';

/** The table as a host application would already have it, before token-health. */
export class CreateOAuthTokens1764000000000 implements MigrationInterface {
  name = 'CreateOAuthTokens1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE oauth_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id varchar(255) NOT NULL,
        provider varchar(64) NOT NULL,
        access_token text NULL,
        refresh_token text NULL,
        token_expiry timestamptz NULL,
        scope text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_oauth_tokens_client_provider UNIQUE (client_id, provider)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE oauth_tokens');
  }
}
