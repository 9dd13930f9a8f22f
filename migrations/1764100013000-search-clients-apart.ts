import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Client search, kept off oauth_tokens: a trigram (GIN) index there would be
 * updated by every check of every row and more than doubles the cost of a
 * cycle's set-wise updates. `token_health_clients` holds each client id once,
 * kept by triggers on oauth_tokens; only new and removed clients write to it.
 */
export class SearchClientsApart1764100013000 implements MigrationInterface {
  name = 'SearchClientsApart1764100013000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // An earlier version of the previous migration put the search index on oauth_tokens.
    await queryRunner.query('DROP INDEX IF EXISTS ix_oauth_tokens_client_search');
    await queryRunner.query('CREATE TABLE token_health_clients (client_id varchar(255) PRIMARY KEY)');
    await queryRunner.query('INSERT INTO token_health_clients (client_id) SELECT DISTINCT client_id FROM oauth_tokens');
    if (await this.hasTrigram(queryRunner)) {
      await queryRunner.query('CREATE INDEX ix_token_health_clients_search ON token_health_clients USING gin (client_id gin_trgm_ops)');
    } else {
      await queryRunner.query('CREATE INDEX ix_token_health_clients_search ON token_health_clients (client_id varchar_pattern_ops)');
    }
    await queryRunner.query(`
      CREATE FUNCTION token_health_track_clients() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          DELETE FROM token_health_clients;
          RETURN NULL;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          INSERT INTO token_health_clients (client_id) VALUES (NEW.client_id) ON CONFLICT DO NOTHING;
        END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
          DELETE FROM token_health_clients c
           WHERE c.client_id = OLD.client_id
             AND NOT EXISTS (SELECT 1 FROM oauth_tokens t WHERE t.client_id = OLD.client_id);
        END IF;
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER tr_oauth_tokens_clients_inserted AFTER INSERT ON oauth_tokens
        FOR EACH ROW EXECUTE FUNCTION token_health_track_clients()`);
    await queryRunner.query(`
      CREATE TRIGGER tr_oauth_tokens_clients_renamed AFTER UPDATE OF client_id ON oauth_tokens
        FOR EACH ROW WHEN (OLD.client_id IS DISTINCT FROM NEW.client_id)
        EXECUTE FUNCTION token_health_track_clients()`);
    await queryRunner.query(`
      CREATE TRIGGER tr_oauth_tokens_clients_deleted AFTER DELETE ON oauth_tokens
        FOR EACH ROW EXECUTE FUNCTION token_health_track_clients()`);
    await queryRunner.query(`
      CREATE TRIGGER tr_oauth_tokens_clients_truncated AFTER TRUNCATE ON oauth_tokens
        FOR EACH STATEMENT EXECUTE FUNCTION token_health_track_clients()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER tr_oauth_tokens_clients_truncated ON oauth_tokens');
    await queryRunner.query('DROP TRIGGER tr_oauth_tokens_clients_deleted ON oauth_tokens');
    await queryRunner.query('DROP TRIGGER tr_oauth_tokens_clients_renamed ON oauth_tokens');
    await queryRunner.query('DROP TRIGGER tr_oauth_tokens_clients_inserted ON oauth_tokens');
    await queryRunner.query('DROP FUNCTION token_health_track_clients()');
    await queryRunner.query('DROP TABLE token_health_clients');
  }

  private async hasTrigram(queryRunner: QueryRunner): Promise<boolean> {
    const [row] = (await queryRunner.query("SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'pg_trgm'")) as { n: number }[];
    return row.n > 0;
  }
}
