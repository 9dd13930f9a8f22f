import { DataSource } from 'typeorm';

// Arbitrary constant naming "token-health schema migrations" among advisory locks.
const MIGRATION_LOCK_KEY = 7_140_001;

/**
 * Runs pending migrations while holding a session advisory lock, so replicas
 * started together on an empty database don't race to create the same tables.
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<void> {
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await lockHolder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockHolder.release();
  }
}
