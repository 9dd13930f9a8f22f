// Rotated refresh tokens are lost when the API starves the pool: the serving pool here has two
// connections (DATABASE_POOL_SIZE = reserved + 2); registrations wait at a provider that never
// answers, API work holds every serving connection, a write meets transient faults.
import { Client } from 'pg';
import { RESERVED_CONNECTIONS } from '../src/token-health/checker-connections';
import { CheckCycleRunner } from '../src/token-health/check-cycle.runner';
import { OAuthTokenRow } from '../src/oauth/oauth-token-rows';
import { TokenCipher } from '../src/oauth/token-cipher';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import request from 'supertest';
import { Server } from 'node:http';
import { seedToken } from './factories/token.factory';
import { waitUntil } from './support/alert-sinks';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { graphqlAsAdmin, REGISTER } from './support/graphql-client';
import { RotatingOAuthProvider } from './support/rotating-oauth-provider';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { useSecretScan } from './support/secret-scan';

useSecretScan();

const SERVING = 2;

describe('rotated refresh tokens when the API starves the pool', () => {
  let database: TestDatabase;
  let hanging: FakeOAuthProvider;
  let rotating: RotatingOAuthProvider;
  let app: TestApp;
  let db: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    hanging = await FakeOAuthProvider.start();
    hanging.defaultBehaviour = () => ({ hang: true });
    rotating = await RotatingOAuthProvider.start('strict');
    app = await startTestApp({
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: String(RESERVED_CONNECTIONS + SERVING),
      OAUTH_PROVIDERS: 'zoho,rot,hang',
      ...rotating.providerEnv('rot'),
      HANG_TOKEN_URL: `${hanging.url}/oauth/v2/token`,
      HANG_AUTHORIZE_URL: `${hanging.url}/authorize`,
      HANG_CLIENT_ID: 'hang-client',
      HANG_CLIENT_SECRET: 'hang-secret-never-shown',
      TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1',
      TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES: '120',
      TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0',
    });
    db = new Client({ connectionString: database.url });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await app?.close();
    await hanging?.close();
    await rotating?.close();
    await database?.drop();
  });

  const storedRefreshToken = async (clientId: string): Promise<{ token: string; row: OAuthTokenRow }> => {
    const { rows } = await db.query<OAuthTokenRow>('SELECT * FROM oauth_tokens WHERE client_id = $1', [clientId]);
    const token = app.get(TokenCipher).decrypt(rows[0].refresh_token!, { clientId, provider: rows[0].provider, column: 'refresh_token' });
    return { token, row: rows[0] };
  };

  it('holds no database connection while ten registrations wait at a provider that never answers', async () => {
    const registrations = Array.from({ length: 10 }, (_, i) =>
      graphqlAsAdmin(app, REGISTER, { input: { clientId: `import-${i}`, provider: 'hang', refreshToken: `hang-refresh-${i}` } }),
    );

    // Each one holding a serving connection across its provider call, only two would get this far.
    await waitUntil(() => hanging.refreshCount() === 10, 15_000, 'all ten registrations at the provider');
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    const read = await graphqlAsAdmin(app, `{ tokenHealth(clientId: "import-0") { status } }`);

    expect(rows[0].n).toBe(0);
    expect(read.errors).toBeUndefined();
    const answers = await Promise.all(registrations);
    expect(answers.map((answer) => (answer.data?.registerOAuthToken as { status: string } | undefined)?.status)).toEqual(
      Array.from({ length: 10 }, () => 'REFRESH_FAILED'),
    );
  }, 60_000);

  it("stores a cycle's results and answers /health while API work holds every serving connection", async () => {
    const tenants = ['busy-0', 'busy-1', 'busy-2'];
    for (const tenant of tenants)
      await seedToken(app, { clientId: tenant, provider: 'rot', refreshToken: rotating.grant(tenant), expiresInMinutes: 5 });
    const pool = (app.dataSource.driver as PostgresDriver).master as { connect(): Promise<{ release(): void }> };
    const held = await Promise.all(Array.from({ length: SERVING }, () => pool.connect()));
    try {
      const summary = await app.get(CheckCycleRunner).run({}, { onDemand: false });
      const health = await request(app.app.getHttpServer() as Server).get('/health');

      expect(summary.refreshed).toBeGreaterThanOrEqual(tenants.length);
      expect(health.status).toBe(200);
      for (const tenant of tenants) {
        const { token, row } = await storedRefreshToken(tenant);
        expect({ tenant, current: token === rotating.current(tenant), status: row.token_status }).toEqual({
          tenant,
          current: true,
          status: 'healthy',
        });
      }
    } finally {
      held.forEach((client) => client.release());
    }
  }, 60_000);

  it('retries the write of a rotated refresh token through transient database faults until it is stored', async () => {
    await seedToken(app, { clientId: 'flaky', provider: 'rot', refreshToken: rotating.grant('flaky'), expiresInMinutes: 5 });
    // The first four writes of a new refresh token for this row fail as an overloaded server would (53300).
    await db.query(`
      CREATE SEQUENCE flaky_writes;
      CREATE FUNCTION refuse_flaky_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF nextval('flaky_writes') <= 4 THEN RAISE EXCEPTION 'too many clients' USING ERRCODE = '53300'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_flaky_write BEFORE UPDATE ON oauth_tokens FOR EACH ROW
        WHEN (NEW.client_id = 'flaky' AND NEW.refresh_token IS DISTINCT FROM OLD.refresh_token) EXECUTE FUNCTION refuse_flaky_write();`);
    try {
      await app.get(CheckCycleRunner).run({ clientId: 'flaky' }, { onDemand: true });

      const { token, row } = await storedRefreshToken('flaky');
      const { rows } = await db.query<{ n: string }>(`SELECT last_value AS n FROM flaky_writes`);
      expect(Number(rows[0].n)).toBe(5);
      expect(token).toBe(rotating.current('flaky'));
      expect(row.token_status).toBe('healthy');
    } finally {
      await db.query('DROP TRIGGER refuse_flaky_write ON oauth_tokens; DROP FUNCTION refuse_flaky_write(); DROP SEQUENCE flaky_writes;');
    }
  }, 60_000);
});
