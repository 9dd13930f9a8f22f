import { MigrationInterface, QueryRunner } from 'typeorm';

// Marks a table this migration created, so reverting it never drops a host app's own table.
const CREATED_BY_US = 'created by token-health';

/**
 * The table as a host application would already have it, before token-health.
 * A host that has it keeps it (rows included): only a unique (client_id,
 * provider) is added if it has none; the next migration adds the health columns.
 */
export class CreateOAuthTokens1764000000000 implements MigrationInterface {
  name = 'CreateOAuthTokens1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (await queryRunner.hasTable('oauth_tokens')) {
      if (!(await hasUniqueClientProvider(queryRunner))) {
        await queryRunner.query('CREATE UNIQUE INDEX uq_oauth_tokens_client_provider ON oauth_tokens (client_id, provider)');
        await queryRunner.query(`COMMENT ON INDEX uq_oauth_tokens_client_provider IS '${CREATED_BY_US}'`);
      }
      return;
    }
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
    await queryRunner.query(`COMMENT ON TABLE oauth_tokens IS '${CREATED_BY_US}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const [{ table, index }] = (await queryRunner.query(`
      SELECT obj_description('oauth_tokens'::regclass, 'pg_class') AS table,
             obj_description(to_regclass('uq_oauth_tokens_client_provider'), 'pg_class') AS index`)) as {
      table: string | null;
      index: string | null;
    }[];
    if (table === CREATED_BY_US) {
      await queryRunner.query('DROP TABLE oauth_tokens');
    } else if (index === CREATED_BY_US) {
      await queryRunner.query('DROP INDEX uq_oauth_tokens_client_provider');
    }
  }
}

async function hasUniqueClientProvider(queryRunner: QueryRunner): Promise<boolean> {
  const rows = (await queryRunner.query(`
    SELECT 1 FROM pg_index i
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
     WHERE i.indrelid = 'oauth_tokens'::regclass AND i.indisunique AND i.indnatts = 2
     GROUP BY i.indexrelid
    HAVING array_agg(a.attname::text ORDER BY a.attname) = ARRAY['client_id', 'provider']`)) as unknown[];
  return rows.length > 0;
}
