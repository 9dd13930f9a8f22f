import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The checker claims tokens in order of when they are due for a refresh. This
 * partial index holds exactly that order (a token without an access token is
 * due first), so each claim is an index range scan instead of a table scan.
 * It replaces the plain token_expiry index, which the claim could not use.
 */
export class IndexRefreshDue1764000000004 implements MigrationInterface {
  name = 'IndexRefreshDue1764000000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE INDEX ix_oauth_tokens_refresh_due ON oauth_tokens
        ((CASE WHEN access_token IS NULL THEN '-infinity'::timestamptz ELSE token_expiry END), id)
        WHERE refresh_token IS NOT NULL`);
    await queryRunner.query('DROP INDEX ix_oauth_tokens_token_expiry');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX ix_oauth_tokens_token_expiry ON oauth_tokens (token_expiry)');
    await queryRunner.query('DROP INDEX ix_oauth_tokens_refresh_due');
  }
}
