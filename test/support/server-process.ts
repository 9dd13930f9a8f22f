// The built server (dist/src/main.js) as a child process, for fault tests that
// need real processes: replicas, kill -9, restarts. Output is captured for leak checks.
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { secretScan } from './secret-scan';

const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

export class ServerProcess {
  private output = '';
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    private readonly adminToken?: string,
  ) {
    child.stdout!.on('data', (chunk) => (this.output += chunk));
    child.stderr!.on('data', (chunk) => (this.output += chunk));
    secretScan.watch(`server process on ${port}`, () => this.output);
    secretScan.captureResponsesFrom(this.url);
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async start(env: Record<string, string>): Promise<ServerProcess> {
    const port = await freePort();
    secretScan.secretsOfEnv(env);
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH!, NODE_ENV: 'test', PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(child, port, env.ADMIN_API_TOKEN);
    await server.waitForHealth(30_000);
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** POSTs a GraphQL operation with the admin token the server was started with; returns the parsed body. */
  async graphql(query: string, variables: Record<string, unknown> = {}): Promise<any> {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.adminToken}` },
      body: JSON.stringify({ query, variables }),
    });
    return response.json();
  }

  logs(): string {
    return this.output;
  }

  async waitForHealth(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await fetch(`${this.url}/health/live`).then((r) => r.status, () => 0);
      if (status === 200) return;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`Server on ${this.port} did not become live:\n${this.output.slice(-2000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode === null) this.child.kill(signal);
    await this.exited;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
