import { MigrationInterface, QueryRunner } from 'typeorm';

/** The host's token table from before it installed token-health. */
export class CreateOAuthTokens1700000000000 implements MigrationInterface {
  name = 'CreateOAuthTokens1700000000000';

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
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE oauth_tokens');
  }
}
