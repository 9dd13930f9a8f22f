import { DataSource } from 'typeorm';
import { DatabaseError, DatabaseErrorCode } from './database.error';

interface ServerLimits {
  max: number;
  reserved: number;
  inUse: number;
}

/**
 * Checks at start that the pool fits the server: a pool larger than what
 * max_connections leaves to ordinary roles would fail mid-cycle with "too many
 * clients" instead of at start with a clear message. Returns a warning when the
 * pool fits but the connections free right now do not cover it.
 */
export async function checkConnectionBudget(dataSource: DataSource, poolSize: number): Promise<string | undefined> {
  const [limits] = await dataSource.query<ServerLimits[]>(
    `SELECT current_setting('max_connections')::int AS max,
            current_setting('superuser_reserved_connections')::int AS reserved,
            (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS "inUse"`,
  );
  const available = limits.max - limits.reserved;
  if (poolSize > available) {
    throw new DatabaseError(
      DatabaseErrorCode.PoolOverServerLimit,
      `DATABASE_POOL_SIZE=${poolSize} exceeds what the database server allows (max_connections ${limits.max} minus ${limits.reserved} reserved); lower it or raise max_connections`,
    );
  }
  const free = available - limits.inUse;
  if (poolSize > free) {
    return `The database pool may open ${poolSize} connections but only ${free} of the server's ${available} are free now; other clients may be refused`;
  }
  return undefined;
}
