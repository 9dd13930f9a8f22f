import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each connection last completed the connect flow. A connect link signed
 * before that moment no longer starts or completes a connect, so a link in an
 * old alert cannot re-bind the tenant once someone has re-authorized it.
 */
export class CreateOAuthConnectCompletions1764200021001 implements MigrationInterface {
  name = 'CreateOAuthConnectCompletions1764200021001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE oauth_connect_completions (
        client_id varchar(255) NOT NULL,
        provider varchar(64) NOT NULL,
        completed_at timestamptz NOT NULL,
        PRIMARY KEY (client_id, provider)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE oauth_connect_completions');
  }
}
