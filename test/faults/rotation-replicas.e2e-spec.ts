// Three replicas of the built server refresh the same tokens against a provider that
// rotates on every refresh and spends the old token at once (reuse ends the grant).
// A rotation lost or a token used twice by two replicas would show as a reuse, an
// invalid token, or a stored token that is not the provider's current one.
import { OAuthTokenRow } from '../../src/oauth/oauth-token-rows';
import { TokenCipher } from '../../src/oauth/token-cipher';
import { readToken, seedToken } from '../factories/token.factory';
import { waitUntil } from '../support/alert-sinks';
import { RotatingOAuthProvider } from '../support/rotating-oauth-provider';
import { ServerProcess } from '../support/server-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { startTestApp, TestApp, testEnv } from '../support/test-app';
import { useSecretScan } from '../support/secret-scan';

useSecretScan();

const TENANTS = Array.from({ length: 30 }, (_, i) => `tenant-${i}`);
const ROTATIONS = 4;

describe('refresh-token rotation with three replicas', () => {
  let database: TestDatabase;
  let provider: RotatingOAuthProvider;
  let seeder: TestApp;
  let replicas: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = await RotatingOAuthProvider.start('strict');
    const env = testEnv({
      DATABASE_URL: database.url,
      OAUTH_PROVIDERS: 'zoho,rot',
      ...provider.providerEnv('rot'),
      // Every cycle refreshes every token: access tokens live an hour, the window is two.
      TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES: '120',
      TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0',
    });
    seeder = await startTestApp(env);
    for (const tenant of TENANTS) {
      await seedToken(seeder, { clientId: tenant, provider: 'rot', refreshToken: provider.grant(tenant), expiresInMinutes: 5 });
    }
    replicas = await Promise.all(
      [1, 2, 3].map(() => ServerProcess.start({ ...env, TOKEN_HEALTH_ENABLED: 'true', TOKEN_HEALTH_CRON: '* * * * * *' })),
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await seeder?.close();
    await provider?.close();
    await database?.drop();
  });

  it('keeps every grant alive through repeated rotations: the stored token is always the current one', async () => {
    await waitUntil(() => TENANTS.every((tenant) => provider.issuedCount(tenant) > ROTATIONS), 60_000, `${ROTATIONS} rotations of every token`);
    // Graceful stop mid-traffic: a refresh in flight must still land its rotated token.
    await Promise.all(replicas.map((replica) => replica.stop('SIGTERM')));

    const cipher = seeder.get(TokenCipher);
    const rows = await Promise.all(TENANTS.map((tenant) => readToken(seeder, tenant, 'rot')));
    const storedToken = (row: OAuthTokenRow) =>
      cipher.decrypt(row.refresh_token!, { clientId: row.client_id, provider: 'rot', column: 'refresh_token' });
    const lost = rows.filter((row) => storedToken(row) !== provider.current(row.client_id)).map((row) => row.client_id);

    expect(provider.reuses).toEqual([]);
    expect(lost).toEqual([]);
    expect(rows.map((row) => row.token_status)).toEqual(TENANTS.map(() => 'healthy'));
  }, 90_000);

  it('writes no token or client secret into any replica log', () => {
    const logs = replicas.map((replica) => replica.logs()).join('\n');

    expect(logs).not.toContain('rot-secret-never-shown');
    expect(logs).not.toMatch(/rt-tenant-\d+-\d+-/);
  });
});
