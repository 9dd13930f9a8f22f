import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A search term without a trigram (one or two letters, `%`, `_`) matches the
 * start of a client id; this index answers it directly, case-insensitively,
 * where the trigram index would read every client.
 */
export class IndexClientPrefixSearch1764200034000 implements MigrationInterface {
  name = 'IndexClientPrefixSearch1764200034000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX ix_token_health_clients_prefix ON token_health_clients (lower(client_id) text_pattern_ops)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX ix_token_health_clients_prefix');
  }
}
