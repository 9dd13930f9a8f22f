// A PostgreSQL for one bench run: a TemporaryPostgres (or the server of BENCH_DATABASE_URL),
// with a throwaway database created for the run, migrated with the app's own migrations and
// dropped after it. The helpers are the e2e specs' own (test/support).
import { Client } from 'pg';
import { TemporaryPostgres } from '../../test/support/temporary-postgres';
import { createThrowawayDatabase, migrateDatabase, withClient } from '../../test/support/throwaway-database';
import { onCleanup } from './cleanup';

export interface BenchDatabase {
  url: string;
  description: string;
}

async function startServer(maxConnections: number): Promise<{ adminUrl: string; description: string }> {
  if (process.env.BENCH_DATABASE_URL) {
    return { adminUrl: process.env.BENCH_DATABASE_URL, description: 'BENCH_DATABASE_URL' };
  }
  const server = await TemporaryPostgres.start({ maxConnections, prefix: 'token-health-bench-' });
  onCleanup(() => server.stop());
  return { adminUrl: server.url, description: `embedded PostgreSQL (default settings, max_connections=${maxConnections})` };
}

/** Starts (or reaches) the server, creates and migrates a throwaway database; returns its URL. */
export async function createBenchDatabase(label: string, { maxConnections = 300 } = {}): Promise<BenchDatabase> {
  const { adminUrl, description } = await startServer(maxConnections);
  const database = await createThrowawayDatabase(adminUrl, `bench_${label}`);
  onCleanup(() => database.drop());
  await migrateDatabase(database.url);
  const version = await withClient(database.url, (client) => client.query<{ server_version: string }>('SHOW server_version'));
  return { url: database.url, description: `${description}, PostgreSQL ${version.rows[0].server_version}` };
}

/** A connected client that the cleanup closes. */
export async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  // On Ctrl-C the embedded server may stop before this client is closed: report, don't crash the cleanup.
  client.on('error', (error) => console.error(`database client: ${error.message}`));
  await client.connect();
  onCleanup(() => client.end());
  return client;
}
