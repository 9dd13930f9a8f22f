import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scoped API keys. A key is `thk_<id>_<secret>`; only the id is stored in the
 * clear (lookup by primary key), the secret as a salted scrypt hash. Revoking
 * deletes the row, so every replica refuses the key on its next request.
 */
export class CreateApiKeys1764300039000 implements MigrationInterface {
  name = 'CreateApiKeys1764300039000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{10}$'),
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
        scopes text[] NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'check', 'connect', 'register', 'admin']),
        secret_salt bytea NOT NULL,
        secret_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        expires_at timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE api_keys');
  }
}
