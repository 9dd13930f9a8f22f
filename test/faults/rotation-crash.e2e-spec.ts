// Fault scenario: the process dies after the provider answered a refresh with a new
// (rotated) refresh token and before that answer was written. The built server is
// held exactly there — its write waits behind a table lock this spec takes while the
// provider answers — and then killed with SIGKILL. The held statement belongs to the
// refresh's transaction, so the dead client's session rolls it back: the row is checked to
// hold the old pair (refresh and access token), not a torn one.
//
// What is guaranteed: the new refresh token is written in the same statement and
// transaction as the new access token, so the row holds either the old set or the new
// one, never a mix. What happens to a crash in the window depends on the provider:
// one that honours the old token until the new one is used loses nothing (the next
// cycle refreshes with the old token); one that spends the old token at issue cannot be
// saved by any client, and the next cycle reports the grant `invalid` with an alert.
import { Client } from 'pg';
import request from 'supertest';
import { TokenCipher } from '../../src/oauth/token-cipher';
import { readToken, seedToken } from '../factories/token.factory';
import { waitUntil } from '../support/alert-sinks';
import { RotatingOAuthProvider } from '../support/rotating-oauth-provider';
import { ServerProcess } from '../support/server-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp, testEnv } from '../support/test-app';
import { WebhookSink } from '../support/webhook-sink';
import { useSecretScan } from '../support/secret-scan';
import { httpServer } from '../factories/http-server';

useSecretScan();

const CHECK = (clientId: string) => `mutation { checkTokenHealth(clientId: "${clientId}") { clientId provider status error } }`;

interface CheckAnswer {
  data: { checkTokenHealth: { clientId: string; provider: string; status: string; error: string | null }[] };
}

describe('a crash between the provider answer and the write', () => {
  let database: TestDatabase;
  let grace: RotatingOAuthProvider;
  let strict: RotatingOAuthProvider;
  let slack: WebhookSink;
  let app: TestApp;
  let env: Record<string, string>;
  let locker: Client;
  const servers: ServerProcess[] = [];

  const stored = async (clientId: string, provider: string) =>
    app.get(TokenCipher).decrypt((await readToken(app, clientId, provider)).refresh_token!, { clientId, provider, column: 'refresh_token' });
  // The stored refresh token and the access token beside it: a torn write would pair them wrongly.
  const seededAccess = new Map<string, string>();
  const storedSet = async (clientId: string, provider: string) => {
    const row = await readToken(app, clientId, provider);
    const cipher = app.get(TokenCipher);
    return {
      refreshToken: cipher.decrypt(row.refresh_token!, { clientId, provider, column: 'refresh_token' }),
      accessToken: cipher.decrypt(row.access_token!, { clientId, provider, column: 'access_token' }),
    };
  };
  const oldSet = (refreshToken: string) => ({ refreshToken, accessToken: seededAccess.get(refreshToken) });
  const seed = async (clientId: string, provider: string, refreshToken: string) => {
    await seedToken(app, { clientId, provider, refreshToken, expiresInMinutes: 5 });
    seededAccess.set(refreshToken, (await storedSet(clientId, provider)).accessToken);
  };
  const blockedRefreshWrites = async () => {
    const [{ n }] = await app.dataSource.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'
          AND query ILIKE '%UPDATE oauth_tokens%' AND query ILIKE '%access_token =%'`,
    );
    return n as number;
  };
  const checkInProcess = async (clientId: string) => {
    // A cycle skips tokens checked within its own whole second.
    await new Promise((resolve) => setTimeout(resolve, 1010 - (Date.now() % 1000)));
    const response = await request(httpServer(app))
      .post('/graphql')
      .set({ authorization: `Bearer ${TEST_ADMIN_TOKEN}` })
      .send({ query: CHECK(clientId) });
    return (response.body as CheckAnswer).data.checkTokenHealth[0];
  };

  /** Starts the built server, has it refresh `clientId`, and kills it while its write waits. */
  const crashDuringWrite = async (clientId: string, provider: RotatingOAuthProvider) => {
    const server = await ServerProcess.start(env);
    servers.push(server);
    provider.beforeAnswer = async () => {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE oauth_tokens IN SHARE MODE');
    };
    void fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      body: JSON.stringify({ query: CHECK(clientId) }),
    }).catch(() => undefined);
    await waitUntil(async () => (await blockedRefreshWrites()) === 1, 20_000, 'the refresh write to wait behind the lock');

    await server.stop('SIGKILL');
    await locker.query('ROLLBACK');
    provider.beforeAnswer = () => undefined;
    // The dead server's session ends (and rolls back) once its statement gets the lock.
    await waitUntil(async () => (await blockedRefreshWrites()) === 0, 10_000, 'the killed session to end');
    await waitUntil(
      async () => {
        const [row] = await app.dataSource.query(`SELECT health_check_lease_until < now() AS free FROM oauth_tokens WHERE client_id = $1`, [
          clientId,
        ]);
        return row.free !== false;
      },
      20_000,
      "the killed server's lease to run out",
    );
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    [grace, strict, slack] = await Promise.all([RotatingOAuthProvider.start('grace'), RotatingOAuthProvider.start('strict'), WebhookSink.start()]);
    env = testEnv({
      DATABASE_URL: database.url,
      SLACK_WEBHOOK_URL: slack.url,
      OAUTH_PROVIDERS: 'zoho,grace,strict',
      ...grace.providerEnv('grace'),
      ...strict.providerEnv('strict'),
      // Short, so the killed server's claim runs out quickly; long enough for a refresh under load.
      TOKEN_HEALTH_LEASE_SECONDS: '5',
      TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0',
    });
    app = await startTestApp(env);
    locker = new Client({ connectionString: database.url });
    await locker.connect();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop('SIGKILL')));
    await locker?.end();
    await app?.close();
    await Promise.all([grace?.close(), strict?.close(), slack?.close()]);
    await database?.drop();
  });

  it('loses nothing with a provider that honours the old token until the new one is used', async () => {
    const first = grace.grant('acme');
    await seed('acme', 'grace', first);

    await crashDuringWrite('acme', grace);

    expect(grace.issuedCount('acme')).toBe(2); // the provider answered with a rotated token …
    expect(await storedSet('acme', 'grace')).toEqual(oldSet(first)); // … that never reached the database
    expect(grace.accepts(first)).toBe(true);

    const report = await checkInProcess('acme');

    expect(report).toMatchObject({ status: 'HEALTHY', error: null });
    expect(await storedSet('acme', 'grace')).toEqual({ refreshToken: grace.current('acme'), accessToken: `at-${grace.current('acme')}` });
    expect(grace.reuses).toEqual([]);
  }, 60_000);

  it('reports the grant invalid, with an alert, on the next cycle with a provider that spends the old token at issue', async () => {
    const first = strict.grant('globex');
    await seed('globex', 'strict', first);
    slack.reset();

    await crashDuringWrite('globex', strict);

    expect(strict.issuedCount('globex')).toBe(2);
    expect(await storedSet('globex', 'strict')).toEqual(oldSet(first));
    expect(strict.accepts(first)).toBe(false);

    const report = await checkInProcess('globex');

    expect(report).toMatchObject({ status: 'INVALID' });
    expect(report.error).toContain('invalid_grant');
    await waitUntil(() => slack.requests.length > 0, 10_000, 'the Slack alert');
    expect(slack.requests[0].body).toContain('OAuth Token invalid: globex/strict');
  }, 60_000);

  it('marks a rotated token expiring when its refresh_token_expires_in falls inside the warning window', async () => {
    await seedToken(app, { clientId: 'initech', provider: 'grace', refreshToken: grace.grant('initech'), expiresInMinutes: 5 });
    grace.refreshTokenLifetimeSeconds = 3 * 86_400;

    const report = await checkInProcess('initech');
    grace.refreshTokenLifetimeSeconds = undefined;

    expect(report).toMatchObject({ status: 'EXPIRING' });
    expect(await stored('initech', 'grace')).toBe(grace.current('initech'));
  });
});
