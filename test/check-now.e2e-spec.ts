// "Check now" (checkTokenHealth(clientId), the console's button) asks the provider, whatever
// the schedule's rules would skip, unless that breaks the provider's documented limit (Zoho:
// 10 token requests per 10 minutes per refresh token, so one a minute); then it says so and
// does not record a check.
import { seedToken } from './factories/token.factory';
import { FakeOAuthProvider, zohoSuccess } from './support/fake-oauth-provider';
import { graphqlAsAdmin, REPORT_FIELDS } from './support/graphql-client';
import { useSecretScan } from './support/secret-scan';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';

useSecretScan();

const CHECK = `mutation($clientId: String) { checkTokenHealth(clientId: $clientId) { ${REPORT_FIELDS} checkSkippedReason } }`;

interface Report {
  status: string;
  lastHealthCheck: string | null;
  checkSkippedReason: string | null;
}

describe('Check now', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let app: TestApp;

  const checkNow = async (clientId: string) => {
    const answer = await graphqlAsAdmin(app, CHECK, { clientId });
    expect(answer.errors).toBeUndefined();
    return (answer.data!.checkTokenHealth as Report[])[0];
  };
  const attemptedSecondsAgo = (clientId: string, seconds: number) =>
    app.dataSource.query(
      `UPDATE oauth_tokens SET last_refresh_attempt_at = now() - $2::float8 * interval '1 second',
              last_refreshed_at = now() - $2::float8 * interval '1 second', last_health_check = now() - interval '1 hour'
        WHERE client_id = $1`,
      [clientId, seconds],
    );
  const lastHealthCheck = async (clientId: string) =>
    (await app.dataSource.query<{ at: Date }[]>('SELECT last_health_check AS at FROM oauth_tokens WHERE client_id = $1', [clientId]))[0].at;
  const cookiesOf = (response: Response) =>
    response.headers
      .getSetCookie()
      .map((cookie) => cookie.split(';')[0])
      .join('; ');
  const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)![1];
  const logIn = async () => {
    const loginPage = await fetch(`${app.baseUrl}/admin/login`);
    const login = await fetch(`${app.baseUrl}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(loginPage) },
      body: new URLSearchParams({ _csrf: csrfOf(await loginPage.text()), token: TEST_ADMIN_TOKEN }).toString(),
    });
    return cookiesOf(login);
  };
  const pressCheckNow = async (clientId: string) => {
    const session = await logIn();
    const page = await (await fetch(`${app.baseUrl}/admin/connection?clientId=${clientId}&provider=zoho`, { headers: { cookie: session } })).text();
    const answer = await fetch(`${app.baseUrl}/admin/connection/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session },
      body: new URLSearchParams({ _csrf: csrfOf(page), clientId, provider: 'zoho' }).toString(),
    });
    return answer.text();
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    app = await startTestApp({ DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1' });
  }, 60_000);

  beforeEach(async () => {
    zoho.reset();
    zoho.defaultBehaviour = () => zohoSuccess();
    await app.dataSource.query('TRUNCATE oauth_tokens');
  });

  afterAll(async () => {
    await app.close();
    await zoho.close();
    await database.drop();
  });

  it('asks the provider for a connection refreshed inside the minimum refresh interval', async () => {
    const { clientId } = await seedToken(app, { expiresInMinutes: 55 });
    await attemptedSecondsAgo(clientId, 5 * 60);

    const report = await checkNow(clientId);

    expect(zoho.refreshCount()).toBe(1);
    expect(report.checkSkippedReason).toBeNull();
    expect(new Date(report.lastHealthCheck!).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('asks the provider for a connection whose access token is far from expiry, and shows what it says', async () => {
    const { clientId, refreshToken } = await seedToken(app, { expiresInMinutes: 30 * 24 * 60 });
    zoho.whenRefreshing(refreshToken!, { status: 400, body: { error: 'invalid_grant' } });

    const report = await checkNow(clientId);

    expect(zoho.refreshCount()).toBe(1);
    expect(report.status).toBe('INVALID');
  });

  it('does not send what would break the provider’s limit, says why and when, and records no check', async () => {
    const { clientId } = await seedToken(app, { expiresInMinutes: 55 });
    await attemptedSecondsAgo(clientId, 20);
    const before = await lastHealthCheck(clientId);

    const report = await checkNow(clientId);

    expect(zoho.refreshCount()).toBe(0);
    expect(report.checkSkippedReason).toMatch(
      /^Not sent: Zoho was asked for this connection 20 s ago; it allows 10 token requests per 10 minutes per refresh token; next possible at \d{4}-\d\d-\d\dT/,
    );
    expect(await lastHealthCheck(clientId)).toEqual(before);
  });

  it('says the same on the console page instead of "Checked just now"', async () => {
    const { clientId } = await seedToken(app, { clientId: 'limited-co', expiresInMinutes: 55 });
    await attemptedSecondsAgo(clientId, 20);
    const before = await lastHealthCheck(clientId);

    const page = await pressCheckNow(clientId);

    expect(page).toMatch(/<p class="notice" role="status">Not sent: Zoho was asked for this connection \d+ s ago;.*next possible at /);
    expect(page).not.toContain('Checked just now');
    expect(zoho.refreshCount()).toBe(0);
    expect(await lastHealthCheck(clientId)).toEqual(before);
  });

  it('says "Checked just now" on the console page after a check that did ask the provider', async () => {
    const { clientId } = await seedToken(app, { clientId: 'checked-co', expiresInMinutes: 55 });
    await attemptedSecondsAgo(clientId, 5 * 60);

    const page = await pressCheckNow(clientId);

    expect(page).toContain('Checked just now.');
    expect(zoho.refreshCount()).toBe(1);
  });
});
