// Registering or connecting while a cycle refreshes the old token at a rotating provider: the
// cycle's answer no longer matches the row (another token is stored), so it is not stored — and
// the token that is stored must keep its status, with no history entry and no alert.
import { Client } from 'pg';
import { TokenCipher } from '../src/oauth/token-cipher';
import { OAuthTokenRow } from '../src/oauth/oauth-token-rows';
import { seedToken } from './factories/token.factory';
import { graphqlAsAdmin, REGISTER } from './support/graphql-client';
import { RotatingOAuthProvider } from './support/rotating-oauth-provider';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { secretScan, useSecretScan } from './support/secret-scan';

useSecretScan();

describe('the rotation-lost mark', () => {
  let database: TestDatabase;
  let rotating: RotatingOAuthProvider;
  let app: TestApp;
  let db: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    rotating = await RotatingOAuthProvider.start('strict');
    app = await startTestApp({
      DATABASE_URL: database.url,
      OAUTH_PROVIDERS: 'zoho,rot',
      ...rotating.providerEnv('rot'),
      TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES: '120',
      TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0',
    });
    db = new Client({ connectionString: database.url });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await app?.close();
    await rotating?.close();
    await database?.drop();
  });

  it('leaves a token registered while a cycle refreshed the old one healthy, with no history entry and no alert', async () => {
    await seedToken(app, { clientId: 'acme', provider: 'rot', refreshToken: rotating.grant('acme'), expiresInMinutes: 5 });
    const registered = secretScan.secret('rot-registered-refresh-token-0001', 'registered refresh token');
    const accessToken = secretScan.secret('rot-registered-access-token-0001', 'registered access token');
    // While the cycle's refresh of the old token is at the provider, the admin imports a new token set.
    rotating.beforeAnswer = async () => {
      rotating.beforeAnswer = () => undefined;
      const answer = await graphqlAsAdmin(app, REGISTER, {
        input: { clientId: 'acme', provider: 'rot', refreshToken: registered, accessToken, accessTokenExpiresAt: new Date(Date.now() + 3_600_000) },
      });
      expect(answer.errors).toBeUndefined();
    };

    const run = await graphqlAsAdmin(app, `mutation { runHealthCheck { refreshed } }`);

    expect(run.errors).toBeUndefined();
    const { rows } = await db.query<OAuthTokenRow>(`SELECT * FROM oauth_tokens WHERE client_id = 'acme'`);
    const stored = app.get(TokenCipher).decrypt(rows[0].refresh_token!, { clientId: 'acme', provider: 'rot', column: 'refresh_token' });
    const failures = await db.query(`SELECT 1 FROM token_health_events WHERE client_id = 'acme' AND to_status <> 'healthy'`);
    expect(stored).toBe(registered);
    expect(rows[0]).toMatchObject({ token_status: 'healthy', health_check_error: null, last_alert_status: null });
    expect(failures.rowCount).toBe(0);
  }, 60_000);
});
