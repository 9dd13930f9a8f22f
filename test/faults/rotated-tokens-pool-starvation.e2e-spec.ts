// Rotated refresh tokens are lost when the API starves the pool. The built server runs with a
// serving pool of two connections and a cron every 5 s; ten registrations wait at a provider
// that never answers, and re-registrations of rows a long transaction holds (standing for an
// expensive statement) keep both serving connections busy. Meanwhile a cycle refreshes twenty
// tokens at a provider that spends the old refresh token the moment it issues a new one.
import { Client } from 'pg';
import { OAuthTokenRow } from '../../src/oauth/oauth-token-rows';
import { TokenCipher } from '../../src/oauth/token-cipher';
import { RESERVED_CONNECTIONS } from '../../src/token-health/checker-connections';
import { seedToken } from '../factories/token.factory';
import { waitUntil } from '../support/alert-sinks';
import { FakeOAuthProvider } from '../support/fake-oauth-provider';
import { RotatingOAuthProvider } from '../support/rotating-oauth-provider';
import { ServerProcess } from '../support/server-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { startTestApp, TestApp, testEnv } from '../support/test-app';
import { secretScan, useSecretScan } from '../support/secret-scan';

useSecretScan();

const SERVING = 2;
const TENANTS = Array.from({ length: 20 }, (_, i) => `tenant-${i}`);
const HELD = Array.from({ length: 6 }, (_, i) => `held-${i}`);
const REGISTER = `mutation($input: RegisterOAuthTokenInput!) { registerOAuthToken(input: $input) { status } }`;

describe('rotated refresh tokens while API load saturates the serving pool', () => {
  let database: TestDatabase;
  let rotating: RotatingOAuthProvider;
  let hanging: FakeOAuthProvider;
  let seeder: TestApp;
  let server: ServerProcess;
  let locker: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    rotating = await RotatingOAuthProvider.start('strict');
    hanging = await FakeOAuthProvider.start();
    hanging.defaultBehaviour = () => ({ hang: true });
    const env = testEnv({
      DATABASE_URL: database.url,
      OAUTH_PROVIDERS: 'zoho,rot,hang',
      ...rotating.providerEnv('rot'),
      HANG_TOKEN_URL: `${hanging.url}/oauth/v2/token`,
      HANG_AUTHORIZE_URL: `${hanging.url}/authorize`,
      HANG_CLIENT_ID: 'hang-client',
      HANG_CLIENT_SECRET: 'hang-secret-never-shown',
      TOKEN_HEALTH_PROVIDER_TIMEOUT_MS: '10000',
      TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1',
      TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES: '120',
      TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0',
    });
    seeder = await startTestApp(env);
    // Not due (valid for ten hours): no cycle touches them, only the API's re-registrations do.
    for (const clientId of HELD) await seedToken(seeder, { clientId, provider: 'hang', expiresInMinutes: 600 });
    server = await ServerProcess.start({
      ...env,
      DATABASE_POOL_SIZE: String(RESERVED_CONNECTIONS + SERVING),
      TOKEN_HEALTH_ENABLED: 'true',
      // The stall check allows two intervals: well above the serving pool's 5 s acquire timeout, which
      // the outage evaluation and alerts after each cycle (on the serving pool) may wait out, more than
      // once, while it is saturated.
      TOKEN_HEALTH_CRON: '*/10 * * * * *',
    });
    locker = new Client({ connectionString: database.url });
    await locker.connect();
  }, 120_000);

  afterAll(async () => {
    await locker?.end();
    await server?.stop();
    await seeder?.close();
    await rotating?.close();
    await hanging?.close();
    await database?.drop();
  });

  it('loses no grant, stores every result and keeps /health 200 on every probe', async () => {
    const health: number[] = [];
    let probing = true;
    const probes = (async () => {
      while (probing) {
        const answer = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
        health.push(answer?.status ?? 0);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const register = (clientId: string, refreshToken: string) =>
      server.graphql(REGISTER, { input: { clientId, provider: 'hang', refreshToken: secretScan.secret(refreshToken, 'registered refresh token') } });

    const imports = Array.from({ length: 10 }, (_, i) => register(`import-${i}`, `hang-refresh-import-${i}`));
    await waitUntil(() => hanging.refreshCount() === 10, 15_000, 'ten registrations waiting at the hanging provider');
    await locker.query('BEGIN');
    await locker.query(`SELECT id FROM oauth_tokens WHERE provider = 'hang' AND client_id LIKE 'held-%' FOR UPDATE`);
    const blocked = HELD.map((clientId) => register(clientId, `hang-refresh-${clientId}`));
    await waitUntil(
      async () => (await serverBackendsWaitingOnLocks()) >= SERVING,
      15_000,
      'every serving connection waiting behind the long transaction',
    );

    for (const tenant of TENANTS) {
      await seedToken(seeder, { clientId: tenant, provider: 'rot', refreshToken: rotating.grant(tenant), expiresInMinutes: 5 });
    }
    await waitUntil(async () => (await rotatedAndStored()).length === TENANTS.length, 30_000, 'every rotated token stored');
    const saturatedThroughout = (await serverBackendsWaitingOnLocks()) >= SERVING;
    await locker.query('ROLLBACK');
    await Promise.allSettled([...imports, ...blocked]);
    probing = false;
    await probes;

    const rows = await Promise.all(
      TENANTS.map(async (tenant) =>
        (await seeder.dataSource.query<OAuthTokenRow[]>(`SELECT * FROM oauth_tokens WHERE client_id = $1`, [tenant])).at(0)!,
      ),
    );
    expect(saturatedThroughout).toBe(true);
    expect(rotating.reuses).toEqual([]);
    expect(rows.filter((row) => !rotating.accepts(storedToken(row))).map((row) => row.client_id)).toEqual([]);
    expect(rows.map((row) => row.token_status)).toEqual(TENANTS.map(() => 'healthy'));
    expect(health.length).toBeGreaterThan(5);
    expect(health.filter((status) => status !== 200)).toEqual([]);
    expect(server.logs()).not.toMatch(/Could not store|could not be stored/);
  }, 120_000);

  async function serverBackendsWaitingOnLocks(): Promise<number> {
    const { rows } = await locker.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'token-health' AND wait_event_type = 'Lock'`,
    );
    return rows[0].n;
  }

  function storedToken(row: OAuthTokenRow): string {
    return seeder.get(TokenCipher).decrypt(row.refresh_token!, { clientId: row.client_id, provider: row.provider, column: 'refresh_token' });
  }

  async function rotatedAndStored(): Promise<string[]> {
    const rows = await seeder.dataSource.query<OAuthTokenRow[]>(`SELECT * FROM oauth_tokens WHERE provider = 'rot'`);
    return rows
      .filter((row) => rotating.issuedCount(row.client_id) > 1 && storedToken(row) === rotating.current(row.client_id))
      .map((row) => row.client_id);
  }
});
