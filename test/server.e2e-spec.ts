// The built server as a user runs it (`npm start` = build + `node dist/src/main.js`).
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from './support/alert-sinks';
import { useSecretScan } from './support/secret-scan';
import { TEST_ENCRYPTION_KEY } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

const scan = useSecretScan();

const MAIN = join(__dirname, '..', 'dist', 'src', 'main.js');
const ADMIN = scan.secret(`server-admin-${randomBytes(12).toString('hex')}`, 'ADMIN_API_TOKEN');

function startServer(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH!, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  scan.captureProcess(child, 'built server');
  if (env.PORT) scan.captureResponsesFrom(`http://127.0.0.1:${env.PORT}`);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function graphql(port: number, query: string) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ query }),
  });
  return response.json() as Promise<{ data?: unknown; errors?: unknown[] }>;
}

describe('the built server', () => {
  it('exits non-zero with one line naming a bad variable', async () => {
    const server = startServer({ TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES: 'abc' });

    expect(await server.exited).toBe(1);
    expect(server.output().trim()).toBe('Invalid configuration: TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES must be a number');
  });

  it('starts with an embedded PostgreSQL, answers /health, and keeps its data across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'token-health-server-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const env = { PORT: String(port), TOKEN_HEALTH_DATA_DIR: dataDir, ADMIN_API_TOKEN: ADMIN, TOKEN_HEALTH_ENABLED: 'false', LOG_FORMAT: 'json' };
    const healthy = async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.status === 200;
    try {
      const first = startServer(env);
      await waitUntil(healthy, 60_000, 'first start');
      scan.secretsOfEnv({ TOKEN_ENCRYPTION_KEY: readFileSync(join(dataDir, 'encryption.key'), 'utf8').trim() });
      // A usable access token: registration needs no verifying refresh (the server's provider is the real Zoho).
      const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
      const registered = await graphql(
        port,
        `mutation { registerOAuthToken(input: {clientId: "persist", provider: "zoho", refreshToken: "1000.r", accessToken: "1000.a", accessTokenExpiresAt: "${expiresAt}"}) { status } }`,
      );
      expect(registered).toEqual({ data: { registerOAuthToken: { status: 'HEALTHY' } } });
      first.child.kill('SIGTERM');
      await first.exited;

      const second = startServer(env);
      await waitUntil(healthy, 60_000, 'second start');
      const read = await graphql(
        port,
        `
          {
            tokenHealth(clientId: "persist") {
              clientId
              status
            }
          }
        `,
      );
      second.child.kill('SIGINT');
      await second.exited;

      expect(read).toEqual({ data: { tokenHealth: [{ clientId: 'persist', status: 'HEALTHY' }] } });
      expect(second.output()).not.toMatch(/"level":"error"/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 150_000);
});

describe('the generated admin token (ADMIN_API_TOKEN unset)', () => {
  let database: TestDatabase;
  let dataDir: string;
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'token-health-admin-'));
  });

  // A failing expectation must not leave a server running.
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  });

  const track = <T extends { child: ChildProcess }>(server: T): T => {
    cleanups.push(() => {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    });
    return server;
  };
  const start = (port: number) =>
    track(
      startServer({
        PORT: String(port),
        DATABASE_URL: database.url,
        TOKEN_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        TOKEN_HEALTH_DATA_DIR: dataDir,
        TOKEN_HEALTH_ENABLED: 'false',
      }),
    );
  const live = (port: number) => async () => (await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => undefined))?.status === 200;
  const tokenHealthStatus = async (port: number, token: string) =>
    (
      await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ tokenHealth(clientId: "acme") { status } }' }),
      })
    ).status;

  it('is written once to <data dir>/admin-token (0600), reused on restart, and never printed (generated admin token)', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const tokenFile = join(dataDir, 'admin-token');

    const first = start(port);
    await waitUntil(live(port), 30_000, 'first start');
    const token = scan.secret(readFileSync(tokenFile, 'utf8').trim(), 'generated admin token');
    const firstAnswer = await tokenHealthStatus(port, token);
    first.child.kill('SIGTERM');
    await first.exited;

    const second = start(port);
    await waitUntil(live(port), 30_000, 'restart');
    const secondAnswer = await tokenHealthStatus(port, token);
    const wrongAnswer = await tokenHealthStatus(port, `${token}x`);
    second.child.kill('SIGTERM');
    await second.exited;

    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(token);
    expect([firstAnswer, secondAnswer, wrongAnswer]).toEqual([200, 200, 401]);
    for (const output of [first.output(), second.output()]) {
      expect(output).toContain(tokenFile);
      expect(output).not.toContain(token);
      expect(output).not.toContain(token.slice(0, 8));
    }
  }, 90_000);

  it('refuses to start in production with one clear line', async () => {
    const server = track(
      startServer({ NODE_ENV: 'production', DATABASE_URL: database.url, TOKEN_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, TOKEN_HEALTH_DATA_DIR: dataDir }),
    );

    expect(await server.exited).toBe(1);
    expect(server.output().trim()).toBe('Invalid configuration: ADMIN_API_TOKEN is required when NODE_ENV=production');
  });

  it('is refused by `npm run start:prod`, which runs with NODE_ENV=production', async () => {
    const child = spawn('npm', ['run', '--silent', 'start:prod'], {
      cwd: join(__dirname, '..'),
      env: {
        PATH: process.env.PATH!,
        HOME: process.env.HOME ?? tmpdir(),
        DATABASE_URL: database.url,
        TOKEN_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        TOKEN_HEALTH_DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a server it started can be stopped with it.
      detached: true,
    });
    cleanups.push(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // The group is gone: npm and the server exited.
      }
    });
    scan.captureProcess(child, 'npm run start:prod');
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect(code).not.toBe(0);
    expect(output).toContain('Invalid configuration: ADMIN_API_TOKEN is required when NODE_ENV=production');
  }, 30_000);
});
