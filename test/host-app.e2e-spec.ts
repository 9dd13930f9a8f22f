// The example host app (examples/host-app) with the packed tarball installed: its own
// AppModule, database and migrations, GraphQL, /health and alerting service, run as a
// real process against real PostgreSQL and a fake Zoho on 127.0.0.1.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { Client } from 'pg';
import { MIGRATIONS } from '../migrations';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { buildHostApp, freePort, HOST_APP, installIntoHostApp, packRepository, PackedTarball, REPO } from './support/host-app-package';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { useSecretScan } from './support/secret-scan';

const scan = useSecretScan();

const ADMIN_TOKEN = 'host-admin-token-0123456789';
const REVOKED = 'host-revoked-refresh-token';

interface PackageManifest {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** The host's /health: Terminus' answer with its database ping and the token-health indicator. */
interface HostHealthBody {
  status: string;
  details: {
    database: { status: string };
    tokenHealth: { status: string; scheduled: boolean; lastCompletedCycleAt: string | null; counts: Record<string, number> | null };
  };
}

describe('examples/host-app with the packed token-health tarball', () => {
  let tarball: PackedTarball;
  let database: TestDatabase;
  let fake: FakeOAuthProvider;
  let host: ChildProcess;
  let baseUrl: string;
  let output = '';

  const graphql = async <TData = unknown>(query: string, variables: object = {}) => {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: TData; errors?: unknown[] };
  };

  const hostAlerts = async (): Promise<{ severity: string; title: string; message: string }[]> => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      return (
        await client.query<{ severity: string; title: string; message: string }>('SELECT severity, title, message FROM host_alerts ORDER BY id')
      ).rows;
    } finally {
      await client.end();
    }
  };

  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const value = await read();
      if (done(value)) return value;
      if (attempt > 450 || host.exitCode !== null)
        throw new Error(`Condition not reached; last value ${JSON.stringify(value)}\n${output.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    tarball = packRepository();
    installIntoHostApp(tarball);
    buildHostApp();

    database = await createTestDatabase();
    fake = await FakeOAuthProvider.start();
    fake.whenRefreshing(REVOKED, { status: 200, body: { error: 'invalid_code' } });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const hostEnv = {
      PATH: process.env.PATH!,
      PORT: String(port),
      DATABASE_URL: database.url,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PUBLIC_BASE_URL: baseUrl,
      ADMIN_API_TOKEN: ADMIN_TOKEN,
      TOKEN_HEALTH_CRON: '* * * * * *',
      ZOHO_CLIENT_ID: 'host-zoho-client',
      ZOHO_CLIENT_SECRET: 'host-zoho-secret',
      ZOHO_ACCOUNTS_URL: fake.url,
    };
    scan.secretsOfEnv(hostEnv);
    host = spawn(process.execPath, [join(HOST_APP, 'dist', 'main.js')], { cwd: HOST_APP, env: hostEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    host.stdout!.on('data', (chunk) => (output += chunk));
    host.stderr!.on('data', (chunk) => (output += chunk));
    scan.captureProcess(host, 'host app');
    scan.captureResponsesFrom(baseUrl);
    await eventually(
      () =>
        fetch(`${baseUrl}/graphql`, { method: 'POST' }).then(
          (r) => r.status,
          () => 0,
        ),
      (status) => status > 0,
    );
  }, 180_000);

  afterAll(async () => {
    if (host && host.exitCode === null) {
      host.kill('SIGTERM');
      await new Promise((resolve) => host.once('exit', resolve));
    }
    await fake?.close();
    await database?.drop();
  });

  it('packs only the library: no tests, benchmarks, examples or server-only code', () => {
    const unexpected = tarball.files.filter((file) => !/^dist\/lib\/.+\.(js|d\.ts)$/.test(file) && !['package.json', 'README.md'].includes(file));
    expect(unexpected).toEqual([]);
    expect(tarball.files).toContain('dist/lib/src/index.js');
    const serverOnly = /(^|\/)(test|bench|examples)\/|main\.|app\.module\.|env\.schema|parse-app-config|embedded-|data-source\.|health\.controller/;
    expect(tarball.files.filter((file) => serverOnly.test(file))).toEqual([]);
  });

  it('needs nothing at run time but its dependencies, its peers and Node itself', () => {
    const installed = join(HOST_APP, 'node_modules', 'token-health');
    const manifest: PackageManifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {}), ...builtinModules]);
    const required = new Set<string>();
    for (const file of readdirSync(installed, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.js'))) {
      for (const [, specifier] of readFileSync(join(installed, file), 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)) {
        required.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
      }
    }

    expect([...required].filter((name) => !declared.has(name) && !declared.has(name.replace(/^node:/, '')))).toEqual([]);
  });

  it("runs every token-health migration after the host's own, upgrading its oauth_tokens in place", async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id');
      expect(rows.map((row) => row.name)).toEqual([
        'CreateOAuthTokens1700000000000',
        'CreateHostAlerts1700000000001',
        ...MIGRATIONS.map((migration) => migration.name),
      ]);
      // The host's table (no unique of its own) got the health columns and the unique the upserts need.
      const columns = await client.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'oauth_tokens'`,
      );
      expect(columns.rows.map((row) => row.column_name)).toEqual(expect.arrayContaining(['token_status', 'last_health_check', 'health_check_error']));
      const {
        rows: [table],
      } = await client.query<{ comment: string | null }>(`SELECT obj_description('oauth_tokens'::regclass, 'pg_class') AS comment`);
      expect(table.comment).toBeNull(); // still the host's table, not one token-health created
      const indexes = await client.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'oauth_tokens'`);
      expect(indexes.rows.map((row) => row.indexname)).toContain('uq_oauth_tokens_client_provider');
    } finally {
      await client.end();
    }
  });

  it("answers tokenHealth through the host's own GraphQL schema, beside the host's queries", async () => {
    const registered = await graphql(
      `
        mutation ($input: RegisterOAuthTokenInput!) {
          registerOAuthToken(input: $input) {
            clientId
            status
          }
        }
      `,
      // A usable access token: registration stores it without asking the provider; it expires
      // inside the check window, so the next scheduled cycle refreshes it and meets the revocation.
      {
        input: {
          clientId: 'host-tenant',
          provider: 'zoho',
          refreshToken: REVOKED,
          accessToken: 'host-access-token',
          accessTokenExpiresAt: new Date(Date.now() + 10 * 60_000).toISOString(),
        },
      },
    );
    expect(registered).toEqual({ data: { registerOAuthToken: { clientId: 'host-tenant', status: 'HEALTHY' } } });
    expect(fake.refreshCount(REVOKED)).toBe(0);

    const response = await graphql(`
      query {
        hello
        tokenHealth(clientId: "host-tenant") {
          clientId
          provider
        }
      }
    `);

    expect(response).toEqual({ data: { hello: 'hello from the host app', tokenHealth: [{ clientId: 'host-tenant', provider: 'zoho' }] } });
  });

  it("refuses a caller without the admin token with HTTP 401 before parsing, the host's own queries included (GraphqlAuthMiddleware)", async () => {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ hello }"}',
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ errors: [{ message: 'Authentication required', extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('refuses an operation over the cost budget before running it (graphqlLimits)', async () => {
    const aliases = Array.from({ length: 3 }, (_, i) => `h${i}: tokenHealthHistory(clientId: "host-tenant", provider: "zoho", first: 500) { error }`);

    const response = await graphql(`{ ${aliases.join(' ')} }`);

    expect(response.data).toBeUndefined();
    expect(response.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^Query cost of 1500 rows exceeds the limit of 1000/) }),
    ]);
  });

  it('fires the scheduled check by itself: the revoked token turns INVALID with nobody asking', async () => {
    const reports = await eventually(
      async () =>
        (
          await graphql<{ tokenHealth: { status: string; lastHealthCheck: string | null; error: string | null }[] }>(`
            query {
              tokenHealth(clientId: "host-tenant") {
                status
                lastHealthCheck
                error
              }
            }
          `)
        ).data?.tokenHealth,
      (value) => value?.[0]?.status === 'INVALID',
    );

    expect(reports![0].lastHealthCheck).not.toBeNull();
    expect(fake.refreshCount(REVOKED)).toBeGreaterThan(0);
  });

  it("hands the alert for the revoked token to the host's own alerting service", async () => {
    const alerts = await eventually(hostAlerts, (rows) => rows.length > 0);

    expect(alerts[0]).toMatchObject({ severity: 'critical', title: 'OAuth Token invalid: host-tenant/zoho' });
    expect(JSON.stringify(alerts)).not.toContain(REVOKED);
    expect(JSON.stringify(alerts)).not.toContain('host-access-token');
  });

  it("shows the token-health indicator on the host's own /health", async () => {
    const body = await eventually(
      () => fetch(`${baseUrl}/health`).then((r) => r.json() as Promise<HostHealthBody>),
      // Counts come from a cache refreshed after each cycle: wait for one taken after the revocation.
      (value) => value?.details?.tokenHealth?.counts?.invalid === 1,
    );

    expect(body.status).toBe('ok');
    expect(body.details.database).toMatchObject({ status: 'up' });
    expect(body.details.tokenHealth).toMatchObject({ status: 'up', scheduled: true, counts: expect.objectContaining({ invalid: 1 }) });
    expect(body.details.tokenHealth.lastCompletedCycleAt).not.toBeNull();
  });

  it('mounts the admin console under the path the host chose, and nothing at /admin', async () => {
    const login = await fetch(`${baseUrl}/ops/token-health/login`);
    const page = await login.text();

    expect(login.status).toBe(200);
    expect(page).toContain('Admin token');
    expect(page).toContain('action="/ops/token-health/login"');
    expect((await fetch(`${baseUrl}/admin/login`)).status).toBe(404);
  });

  it('serves the Prometheus metrics where the host chose, leaving /metrics to the host', async () => {
    const metrics = await fetch(`${baseUrl}/ops/metrics`);

    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('oauth_tokens{provider="zoho",status="invalid"}');
    expect((await fetch(`${baseUrl}/metrics`)).status).toBe(404);
  });

  it('serves the REST API and its OpenAPI document, the document listing no route of the host', async () => {
    const summary = await fetch(`${baseUrl}/api/v1/summary`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const anonymous = await fetch(`${baseUrl}/api/v1/summary`);
    const document = (await (await fetch(`${baseUrl}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };

    expect(summary.status).toBe(200);
    expect(((await summary.json()) as { total: number }).total).toBeGreaterThan(0);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).every((path) => path.startsWith('/api/v1/'))).toBe(true);
  });

  it("is configured in docs/embedding.md by the example's own module file", () => {
    const readme = readFileSync(join(REPO, 'docs', 'embedding.md'), 'utf8');
    const module = readFileSync(join(HOST_APP, 'src', 'app.module.ts'), 'utf8');

    expect(readme).toContain('```ts\n' + module + '```');
  });
});
