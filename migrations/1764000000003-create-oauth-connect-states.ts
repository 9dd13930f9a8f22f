import { MigrationInterface, QueryRunner } from 'typeorm';

/** Nonces of issued OAuth `state` values, so each can be used once. */
export class CreateOAuthConnectStates1764000000003 implements MigrationInterface {
  name = 'CreateOAuthConnectStates1764000000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE oauth_connect_states (
        nonce varchar(64) PRIMARY KEY,
        client_id varchar(255) NOT NULL,
        provider varchar(64) NOT NULL,
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE oauth_connect_states');
  }
}
