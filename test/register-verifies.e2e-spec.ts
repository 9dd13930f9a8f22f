// Issue 11, item 9: registerOAuthToken answers a verified status, and an on-demand
// check always checks, also in the same second as a registration.
import { OAuthTokenService } from '../src/oauth/oauth-token.service';
import { TokenRegistrationService } from '../src/oauth/token-registration.service';
import { FakeOAuthProvider, zohoSuccess } from './support/fake-oauth-provider';
import { CHECK_TOKEN_HEALTH, graphqlAsAdmin, REGISTER } from './support/graphql-client';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { useSecretScan } from './support/secret-scan';

useSecretScan();

describe(TokenRegistrationService.name, () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    app = await startTestApp({ DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1' });
  });

  beforeEach(async () => {
    zoho.reset();
    await app.dataSource.query('TRUNCATE oauth_tokens, alert_outbox');
  });

  afterAll(async () => {
    await app?.close();
    await zoho?.close();
    await database?.drop();
  });

  const register = async (input: Record<string, unknown>) => {
    const answer = await graphqlAsAdmin(app, REGISTER, { input: { clientId: 'acme', provider: 'zoho', ...input } });
    expect(answer.errors).toBeUndefined();
    return answer.data!.registerOAuthToken as { status: string; error: string | null };
  };

  it('answers INVALID for a revoked refresh token registered without an access token', async () => {
    zoho.whenRefreshing('1000.revoked', { status: 200, body: { error: 'invalid_code' } });

    const report = await register({ refreshToken: '1000.revoked' });

    expect(report).toMatchObject({ status: 'INVALID', error: expect.stringMatching(/invalid_code/) });
    expect(zoho.refreshCount('1000.revoked')).toBe(1);
  });

  it('answers REFRESH_FAILED when the provider cannot be asked, and keeps the token for a later check', async () => {
    zoho.whenRefreshing('1000.unlucky', { status: 503, body: {} });

    const report = await register({ refreshToken: '1000.unlucky' });

    expect(report.status).toBe('REFRESH_FAILED');
  });

  it('refreshes once and answers HEALTHY when no access token is given; the fresh access token is then handed out', async () => {
    zoho.whenRefreshing('1000.alive', zohoSuccess('1000.fresh-access'));

    const report = await register({ refreshToken: '1000.alive' });

    expect(report).toMatchObject({ status: 'HEALTHY', error: null });
    expect(zoho.refreshCount('1000.alive')).toBe(1);
    await expect(app.get(OAuthTokenService).getAccessToken('acme', 'zoho')).resolves.toBe('1000.fresh-access');
    expect(zoho.refreshCount()).toBe(1);
  });

  it('trusts a usable access token: HEALTHY without a provider call', async () => {
    const report = await register({
      refreshToken: '1000.alive',
      accessToken: '1000.given-access',
      accessTokenExpiresAt: new Date(Date.now() + 50 * 60_000).toISOString(),
    });

    expect(report.status).toBe('HEALTHY');
    expect(zoho.requests).toHaveLength(0);
  });

  it('checks a token when checkTokenHealth comes in the same second as its registration', async () => {
    // Start right after a second boundary, so registration and check share the second.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
    await register({
      refreshToken: '1000.alive',
      accessToken: '1000.given-access',
      accessTokenExpiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
    });

    const answer = await graphqlAsAdmin(app, CHECK_TOKEN_HEALTH, { clientId: 'acme' });

    expect(answer.data?.checkTokenHealth).toEqual([expect.objectContaining({ status: 'HEALTHY' })]);
    expect(zoho.refreshCount('1000.alive')).toBe(1);
  });
});
