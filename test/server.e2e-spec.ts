// The built server as a user runs it (`npm start` = build + `node dist/src/main.js`).
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from './support/alert-sinks';
import { useSecretScan } from './support/secret-scan';

const scan = useSecretScan();

const MAIN = join(__dirname, '..', 'dist', 'src', 'main.js');
const ADMIN = scan.secret(`server-admin-${randomBytes(12).toString('hex')}`, 'ADMIN_API_TOKEN');

function startServer(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH!, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  scan.captureProcess(child, 'built server');
  if (env.PORT) scan.captureResponsesFrom(`http://127.0.0.1:${env.PORT}`);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function graphql(port: number, query: string) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ query }),
  });
  return response.json() as Promise<{ data?: any; errors?: unknown[] }>;
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
    const env = { PORT: String(port), TOKEN_HEALTH_DATA_DIR: dataDir, ADMIN_API_TOKEN: ADMIN, TOKEN_HEALTH_ENABLED: 'false' };
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
      const read = await graphql(port, `{ tokenHealth(clientId: "persist") { clientId status } }`);
      second.child.kill('SIGINT');
      await second.exited;

      expect(read).toEqual({ data: { tokenHealth: [{ clientId: 'persist', status: 'HEALTHY' }] } });
      expect(second.output()).not.toMatch(/"level":"error"/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 150_000);
});
