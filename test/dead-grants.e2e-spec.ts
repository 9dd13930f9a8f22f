// A grant the provider refused stays dead: no flapping to refresh_failed in an outage, one
// alert, asked about again only after TOKEN_HEALTH_DEAD_GRANT_RETRY_HOURS or a re-registration.
import { OAuthTokenService } from '../src/oauth/oauth-token.service';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { seedToken } from './factories/token.factory';
import { AlertSinks, waitUntil } from './support/alert-sinks';
import { FakeOAuthProvider, zohoSuccess } from './support/fake-oauth-provider';
import { graphqlAsAdmin, REGISTER, REPORT_FIELDS } from './support/graphql-client';
import { useSecretScan } from './support/secret-scan';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';

const scan = useSecretScan();

describe('dead grants', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let sinks: AlertSinks;
  let app: TestApp;
  let refreshToken: string;

  const cycle = async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
    await app.get(TokenHealthService).checkAndAlert({});
  };
  const status = async () => {
    const answer = await graphqlAsAdmin(app, `query { tokenHealth(clientId: "revoked") { ${REPORT_FIELDS} } }`);
    return (answer.data!.tokenHealth as { status: string }[])[0].status;
  };
  const delivered = () =>
    waitUntil(
      async () => {
        const [{ pending }] = await app.dataSource.query(`SELECT count(*)::int AS pending FROM alert_outbox WHERE status = 'pending'`);
        return pending === 0;
      },
      20_000,
      'every alert delivered',
    );
  const slackTitles = () => sinks.slack.requests.map((request) => (request.json as { text: string }).text);

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    sinks = await AlertSinks.start();
    app = await startTestApp({
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      ...sinks.env(),
      TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0',
      TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1',
      ALERT_REPEAT_INTERVAL_MINUTES: '1440',
    });
    ({ refreshToken } = (await seedToken(app, { clientId: 'revoked', expiresInMinutes: 5 })) as { refreshToken: string });
    zoho.whenRefreshing(refreshToken, { status: 200, body: { error: 'invalid_code' } });
    await cycle();
    await delivered();
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await Promise.all([zoho.close(), sinks.close()]);
    await database.drop();
  });

  it('is alerted once when the provider refuses it', async () => {
    expect(await status()).toBe('INVALID');
    expect(slackTitles()).toEqual(['OAuth Token invalid: revoked/zoho']);
  });

  it('is not presented to the provider again within the retry period, by the checker or a hand-out', async () => {
    zoho.whenRefreshing(refreshToken, { status: 500, body: 'accounts server error' });

    await cycle();
    await cycle();
    await expect(app.get(OAuthTokenService).getAccessToken('revoked', 'zoho')).rejects.toThrow(/is invalid/);
    await delivered();

    expect(zoho.refreshCount(refreshToken)).toBe(1);
    expect(await status()).toBe('INVALID');
    expect(slackTitles()).toEqual(['OAuth Token invalid: revoked/zoho']);
  }, 30_000);

  it('stays invalid, with no new alert, when its retry after the period fails transiently', async () => {
    await app.dataSource.query(`UPDATE oauth_tokens SET last_refresh_attempt_at = now() - interval '25 hours' WHERE client_id = 'revoked'`);

    await cycle();
    await delivered();

    expect(zoho.refreshCount(refreshToken)).toBe(2);
    expect(await status()).toBe('INVALID');
    const [{ error }] = await app.dataSource.query(`SELECT health_check_error AS error FROM oauth_tokens WHERE client_id = 'revoked'`);
    expect(error).toMatch(/^The provider rejected the refresh token/);
    expect(slackTitles()).toEqual(['OAuth Token invalid: revoked/zoho']);
  }, 30_000);

  it('is asked about at once after a re-registration, and recovers on the provider’s yes', async () => {
    zoho.defaultBehaviour = () => zohoSuccess();
    const newRefreshToken = scan.secret('1000.refresh.reregistered', 'registered refresh token');

    const answer = await graphqlAsAdmin(app, REGISTER, { input: { clientId: 'revoked', provider: 'zoho', refreshToken: newRefreshToken } });

    expect(answer.errors).toBeUndefined();
    expect((answer.data!.registerOAuthToken as { status: string }).status).toBe('HEALTHY');
    expect(zoho.refreshCount(newRefreshToken)).toBe(1);
  });

  it('writes no token or secret into any log or sink', async () => {
    await scan.expectNoLeaks();
  });
});
