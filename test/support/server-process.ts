// The built server (dist/src/main.js) as a child process, configured by environment like a
// deployment: for fault tests that need real processes (replicas, kill -9, restarts) and for
// the benches. Output is captured for leak checks.
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port';
import { REPO_ROOT } from './repo-root';
import { secretScan } from './secret-scan';

const MAIN = join(REPO_ROOT, 'dist', 'src', 'main.js');

export interface ServerProcessOptions {
  /** Working directory of the server, where it writes schema.gql; the current one by default. */
  cwd?: string;
  /** The entry point to run; the repo's dist/src/main.js by default (a packaged server's main.js, say). */
  main?: string;
}

/** How a start that was expected to fail ended. */
export interface FailedStart {
  /** The exit code; null when it was killed (it became live, or stalled). */
  code: number | null;
  /** It became live (and was stopped): the start was not refused. */
  live: boolean;
  output: string;
}

// Start-up is bounded by progress, not by speed: on a loaded machine a healthy start (module
// loading, migrations, provider catalog) may take many times longer than on an idle one, but it
// keeps using CPU or writing output. A start that does neither for STALL_MS waits on something
// that will not come: its own waits are shorter (database connect 5 s, discovery 10 s by default)
// or wait on a replica that is itself moving (the migration lock). One that spins without
// becoming live is cut at START_LIMIT_MS, below the 120 s hooks that start servers.
const STALL_MS = 30_000;
const START_LIMIT_MS = 100_000;

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

  static async start(env: Record<string, string>, { cwd, main = MAIN }: ServerProcessOptions = {}): Promise<ServerProcess> {
    secretScan.secretsOfEnv(env);
    // A free port can be taken by another process between picking it and the child's listen
    // (other suites and servers start beside this one); only that case starts again on a new port.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const server = ServerProcess.spawn(env, port, cwd, main);
      try {
        await server.waitUntilLive();
        return server;
      } catch (error) {
        if (attempt >= 3 || !server.logs().includes('EADDRINUSE')) throw error;
      }
    }
  }

  /**
   * Starts the server and waits for its exit; a server that becomes live instead is stopped and
   * reported as `live`, so a start that should have been refused fails its spec at once.
   */
  static async startExpectingExit(env: Record<string, string>, port?: number): Promise<FailedStart> {
    secretScan.secretsOfEnv(env);
    const server = ServerProcess.spawn(env, port ?? (await freePort()));
    try {
      await server.waitUntilLive();
    } catch {
      await server.stop('SIGKILL');
      return { code: await server.exited, live: false, output: server.logs() };
    }
    await server.stop();
    return { code: null, live: true, output: server.logs() };
  }

  private static spawn(env: Record<string, string>, port: number, cwd?: string, main = MAIN): ServerProcess {
    const child = spawn(process.execPath, [main], {
      // JSON logs, as in production, so specs can read them line by line.
      env: { PATH: process.env.PATH!, NODE_ENV: 'test', LOG_FORMAT: 'json', PORT: String(port), ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServerProcess(child, port, env.ADMIN_API_TOKEN);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** POSTs a GraphQL operation with the admin token the server was started with; returns the parsed body. */
  async graphql(query: string, variables: Record<string, unknown> = {}): Promise<unknown> {
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

  /** Waits for /health/live while the process makes progress (see STALL_MS and START_LIMIT_MS). */
  async waitUntilLive(): Promise<void> {
    const started = Date.now();
    let progress = this.progressMark();
    let lastProgressAt = started;
    for (;;) {
      const status = await fetch(`${this.url}/health/live`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) return;
      const mark = this.progressMark();
      if (mark !== progress) [progress, lastProgressAt] = [mark, Date.now()];
      const stalled = Date.now() - lastProgressAt > STALL_MS;
      if (this.child.exitCode !== null || stalled || Date.now() - started > START_LIMIT_MS) {
        const why =
          this.child.exitCode !== null ? 'exited' : stalled ? `made no progress for ${STALL_MS} ms` : `was not live after ${START_LIMIT_MS} ms`;
        throw new Error(`Server on ${this.port} did not become live (${why}):\n${this.output.slice(-2000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  // CPU time used (Linux /proc) and output written so far: either growing means the start is moving.
  private progressMark(): string {
    let cpu = '';
    try {
      const fields = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      cpu = `${fields[11]}+${fields[12]}`; // utime, stime (fields 14 and 15 of the whole line)
    } catch {
      // No /proc (not Linux) or the process is gone: output alone tells progress.
    }
    return `${cpu}/${this.output.length}`;
  }

  /** Sends `signal` and waits for the exit; with `killAfterMs`, a process still running then gets SIGKILL. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', killAfterMs?: number): Promise<void> {
    if (this.child.exitCode === null) this.child.kill(signal);
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => this.child.kill('SIGKILL'), killAfterMs);
    await this.exited;
    clearTimeout(timer);
  }
}
