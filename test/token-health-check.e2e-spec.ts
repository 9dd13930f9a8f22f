import { MetricsService } from '../src/metrics/metrics.service';
import { OAuthTokenService } from '../src/oauth/oauth-token.service';
import { TokenStatus } from '../src/oauth/token-status';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { readToken, seedToken } from './factories/token.factory';
import { FakeOAuthProvider, zohoSuccess } from './support/fake-oauth-provider';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { useSecretScan } from './support/secret-scan';

useSecretScan();

describe(TokenHealthService.name, () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let app: TestApp;
  let sut: TokenHealthService;

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    app = await startTestApp({
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      TOKEN_HEALTH_PROVIDER_TIMEOUT_MS: '300',
      TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '2',
    });
    sut = app.get(TokenHealthService);
  });

  beforeEach(async () => {
    zoho.reset();
    await app.dataSource.query('TRUNCATE oauth_tokens');
  });

  afterAll(async () => {
    await app.close();
    await zoho.close();
    await database.drop();
  });

  // The checker's rules, as a cycle applies them (an on-demand check of one client always asks the provider: check-now.e2e-spec.ts).
  const check = async (clientId: string) => (await sut.checkAllTokens()).find((report) => report.clientId === clientId)!;

  it('marks a token without a refresh token invalid, without calling the provider', async () => {
    const { clientId } = await seedToken(app, { refreshToken: null, expiresInMinutes: 5 });

    const report = await check(clientId);

    expect(report).toMatchObject({ status: TokenStatus.Invalid, error: expect.stringMatching(/re-authorized/) });
    expect(zoho.requests).toHaveLength(0);
  });

  it('refreshes a token that expires within the window and stores the new expiry', async () => {
    const { clientId, refreshToken } = await seedToken(app, { expiresInMinutes: 30 });
    zoho.whenRefreshing(refreshToken!, zohoSuccess('fresh-access-token'));

    const report = await check(clientId);

    expect(report.status).toBe(TokenStatus.Healthy);
    expect(report.error).toBeNull();
    const row = await readToken(app, clientId);
    expect(row.token_expiry!.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(row.last_refreshed_at).not.toBeNull();
    await expect(app.get(OAuthTokenService).getAccessToken(clientId, 'zoho')).resolves.toBe('fresh-access-token');
    const [request] = zoho.requestsTo('/oauth/v2/token');
    expect(Object.fromEntries(request.form)).toMatchObject({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'zoho-client-id' });
  });

  it('refreshes a token that has already expired', async () => {
    const { clientId } = await seedToken(app, { expiresInMinutes: -120 });

    expect((await check(clientId)).status).toBe(TokenStatus.Healthy);
    expect(zoho.refreshCount()).toBe(1);
  });

  it('does not call the provider for a token that expires beyond the window', async () => {
    const { clientId } = await seedToken(app, { expiresInMinutes: 240 });

    const report = await check(clientId);

    expect(report.status).toBe(TokenStatus.Healthy);
    expect(zoho.requests).toHaveLength(0);
    expect((await readToken(app, clientId)).last_health_check).not.toBeNull();
  });

  it('counts a token with an access token but no known expiry as healthy, without a provider call', async () => {
    const { clientId } = await seedToken(app, { expiresInMinutes: null });

    const report = await check(clientId);

    expect(report.status).toBe(TokenStatus.Healthy);
    expect(report.lastHealthCheck).not.toBeNull();
    expect(zoho.requests).toHaveLength(0);
  });

  it('refreshes a token that has a refresh token but no access token yet', async () => {
    const { clientId } = await seedToken(app, { accessToken: null, expiresInMinutes: null });

    expect((await check(clientId)).status).toBe(TokenStatus.Healthy);
    expect(zoho.refreshCount()).toBe(1);
  });

  it('marks a token invalid when Zoho answers HTTP 200 with invalid_code, without retrying', async () => {
    const { clientId, refreshToken } = await seedToken(app, { expiresInMinutes: 10 });
    zoho.whenRefreshing(refreshToken!, { status: 200, body: { error: 'invalid_code' } });

    const report = await check(clientId);

    expect(report.status).toBe(TokenStatus.Invalid);
    expect(report.error).toContain('invalid_code');
    expect(zoho.refreshCount()).toBe(1);
  });

  it('marks a token invalid when the provider answers 400 invalid_grant', async () => {
    const { clientId, refreshToken } = await seedToken(app, { expiresInMinutes: 10 });
    zoho.whenRefreshing(refreshToken!, { status: 400, body: { error: 'invalid_grant' } });

    expect((await check(clientId)).status).toBe(TokenStatus.Invalid);
  });

  it.each([
    ['a 500', { status: 500, body: 'oops' }],
    ['a timeout', { hang: true }],
    ['a malformed body', { status: 200, body: '<html>maintenance</html>' }],
    ['a reset connection', { reset: true }],
  ])('marks a token refresh_failed (never invalid) on %s, keeping the stored token', async (_name, response) => {
    const { clientId, refreshToken } = await seedToken(app, { expiresInMinutes: 10 });
    const before = await readToken(app, clientId);
    zoho.whenRefreshing(refreshToken!, response);

    const report = await check(clientId);

    expect(report.status).toBe(TokenStatus.RefreshFailed);
    expect(report.error).toBeTruthy();
    const after = await readToken(app, clientId);
    expect(after.refresh_token).toBe(before.refresh_token);
    expect(after.access_token).toBe(before.access_token);
    expect(after.last_health_check).not.toBeNull();
  });

  it.each([
    [
      'the Zoho throttle (200 Access Denied)',
      { status: 200, body: { error: 'Access Denied', error_description: 'You have made too many requests continuously.' } },
    ],
    ['a 429 with Retry-After', { status: 429, headers: { 'retry-after': '0' }, body: {} }],
  ])('keeps the stored verdict on %s, and the next check refreshes', async (_name, throttle) => {
    const { clientId, refreshToken } = await seedToken(app, { expiresInMinutes: 10 });
    zoho.whenRefreshing(refreshToken!, throttle, zohoSuccess());

    const throttled = await check(clientId);

    expect(throttled.status).toBe(TokenStatus.Healthy);
    expect(throttled.error).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 2100)); // the pause Zoho's answer implies (no Retry-After)
    expect((await check(clientId)).status).toBe(TokenStatus.Healthy);
    expect(zoho.refreshCount(refreshToken!)).toBe(2);
  });

  it('reports invalid_client as our configuration problem, not the customer token', async () => {
    const { clientId, refreshToken } = await seedToken(app, { expiresInMinutes: 10 });
    zoho.whenRefreshing(refreshToken!, { status: 200, body: { error: 'invalid_client' } });

    const report = await check(clientId);

    expect(report.status).toBe(TokenStatus.RefreshFailed);
    expect(report.error).toMatch(/configuration/i);
  });

  it('persists a rotated refresh token and keeps the stored one when none is returned', async () => {
    const rotating = await seedToken(app, { expiresInMinutes: 10 });
    const steady = await seedToken(app, { expiresInMinutes: 10 });
    zoho.whenRefreshing(rotating.refreshToken!, zohoSuccess('a1', { refresh_token: 'rotated-refresh-token' }));
    zoho.whenRefreshing(steady.refreshToken!, zohoSuccess('a2'));

    await sut.checkAllTokens();

    zoho.reset();
    await app.dataSource.query(
      `UPDATE oauth_tokens SET token_expiry = now(), last_refreshed_at = NULL, last_refresh_attempt_at = NULL, last_health_check = NULL`,
    );
    await sut.checkAllTokens();
    expect(
      zoho
        .requestsTo('/oauth/v2/token')
        .map((r) => r.refreshToken)
        .sort(),
    ).toEqual([steady.refreshToken, 'rotated-refresh-token'].sort());
  });

  it('marks a token expiring when the refresh token has a known expiry inside the warning period', async () => {
    const { clientId } = await seedToken(app, { expiresInMinutes: 240, refreshTokenExpiresInDays: 3 });

    const report = await check(clientId);

    expect(report.status).toBe(TokenStatus.Expiring);
    expect(zoho.requests).toHaveLength(0);
  });

  it('counts a token refreshed within the minimum interval as verified, without a provider call', async () => {
    const { clientId } = await seedToken(app, { expiresInMinutes: 55, lastRefreshedMinutesAgo: 5 });

    expect((await check(clientId)).status).toBe(TokenStatus.Healthy);
    expect(zoho.requests).toHaveLength(0);
  });

  it('does not retry a failed token again within the minimum interval', async () => {
    const { clientId, refreshToken } = await seedToken(app, { expiresInMinutes: 10 });
    zoho.whenRefreshing(refreshToken!, { status: 500, body: 'down' });
    await check(clientId);
    const attempts = zoho.refreshCount();

    const report = await check(clientId);

    expect(report.status).toBe(TokenStatus.RefreshFailed);
    expect(zoho.refreshCount()).toBe(attempts);
  });

  it('stores tokens encrypted: the plaintext is nowhere in the row', async () => {
    const { clientId, refreshToken } = await seedToken(app, { accessToken: 'plain-access-token' });

    const row = await readToken(app, clientId);

    expect(JSON.stringify(row)).not.toContain(refreshToken);
    expect(JSON.stringify(row)).not.toContain('plain-access-token');
    expect(row.refresh_token).toMatch(/^v2:/);
  });

  it('shares one refresh among 20 concurrent getAccessToken calls', async () => {
    const { clientId, refreshToken } = await seedToken(app, { expiresInMinutes: 1 });
    zoho.whenRefreshing(refreshToken!, { ...zohoSuccess('shared-access'), delayMs: 100 });
    const tokens = app.get(OAuthTokenService);

    const results = await Promise.all(Array.from({ length: 20 }, () => tokens.getAccessToken(clientId, 'zoho')));

    expect(new Set(results)).toEqual(new Set(['shared-access']));
    expect(zoho.refreshCount()).toBe(1);
  });

  it('refreshes every expiring token exactly once and leaves no lease behind in a full cycle', async () => {
    const seeds = await Promise.all(Array.from({ length: 25 }, (_, i) => seedToken(app, { expiresInMinutes: i % 2 ? 10 : 600 })));
    const expiring = seeds.filter((_, i) => i % 2).map((seed) => seed.refreshToken);
    const successes = () =>
      app
        .get(MetricsService)
        .refreshes.get()
        .then(({ values }) => values.find((v) => v.labels.outcome === 'success')?.value ?? 0);
    const successesBefore = await successes();

    const reports = await sut.checkAllTokens();

    expect(reports).toHaveLength(seeds.length);
    expect(reports.every((report) => report.status === TokenStatus.Healthy)).toBe(true);
    // Counted by the service, not at the fake: this app's 300 ms provider timeout (for the timeout
    // specs above) lets a slow answer on a loaded machine be retried, one refresh in two requests.
    expect(await successes()).toBe(successesBefore + 12);
    const presented = zoho.requests.filter((request) => request.grantType === 'refresh_token').map((request) => request.refreshToken);
    expect(new Set(presented)).toEqual(new Set(expiring));
    const [{ leased }] = await app.dataSource.query('SELECT count(*)::int AS leased FROM oauth_tokens WHERE health_check_lease_until IS NOT NULL');
    expect(leased).toBe(0);
  });
});
