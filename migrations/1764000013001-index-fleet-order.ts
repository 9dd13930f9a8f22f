import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fleet list's order (worst status first, then most recently checked, then
 * id) as an index, so every page is an index range scan from its cursor. Also
 * installs pg_trgm where the server offers it, for client search (next migration).
 */
export class IndexFleetOrder1764000013001 implements MigrationInterface {
  name = 'IndexFleetOrder1764000013001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE INDEX ix_oauth_tokens_fleet_order ON oauth_tokens (
        (CASE token_status WHEN 'invalid' THEN 3 WHEN 'refresh_failed' THEN 2 WHEN 'expiring' THEN 1 ELSE 0 END),
        (COALESCE(last_health_check, 'epoch'::timestamptz)),
        id)`);
    await this.installTrigram(queryRunner);
  }

  /** pg_trgm may be missing on the server or not allowed to this role; neither stops the migration. */
  private async installTrigram(queryRunner: QueryRunner): Promise<boolean> {
    const [available] = (await queryRunner.query("SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'pg_trgm'")) as { n: number }[];
    if (available.n === 0) return false;
    const guarded = queryRunner.isTransactionActive;
    if (guarded) await queryRunner.query('SAVEPOINT install_pg_trgm');
    try {
      await queryRunner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
      if (guarded) await queryRunner.query('RELEASE SAVEPOINT install_pg_trgm');
      return true;
    } catch {
      if (guarded) await queryRunner.query('ROLLBACK TO SAVEPOINT install_pg_trgm');
      return false;
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Databases migrated by an earlier version of this migration have a search index here.
    await queryRunner.query('DROP INDEX IF EXISTS ix_oauth_tokens_client_search');
    await queryRunner.query('DROP INDEX ix_oauth_tokens_fleet_order');
  }
}
