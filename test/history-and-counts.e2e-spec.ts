// History records facts (a registration's first event is the status it verified, not the column default) and
// summaries never lag behind a write: counts right after a registration, on this replica or another, include it.
import { consoleLogIn } from './support/console-http';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { graphqlAsAdmin, REGISTER } from './support/graphql-client';
import { useSecretScan } from './support/secret-scan';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';

useSecretScan();

const HISTORY = `query($clientId: String!) { tokenHealthHistory(clientId: $clientId, provider: "zoho") { fromStatus toStatus source } }`;
const TOTAL = '{ tokenHealthSummary { total byStatus { status count } } }';

describe('History and counts after a write', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let app: TestApp;
  let replica: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    const env = { DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1' };
    app = await startTestApp(env);
    replica = await startTestApp(env);
  });

  beforeEach(async () => {
    zoho.reset();
    await app.dataSource.query('TRUNCATE oauth_tokens, alert_outbox, token_health_events');
  });

  afterAll(async () => {
    await Promise.all([app?.close(), replica?.close()]);
    await zoho?.close();
    await database?.drop();
  });

  const register = (clientId: string, refreshToken: string) => graphqlAsAdmin(app, REGISTER, { input: { clientId, provider: 'zoho', refreshToken } });

  it('starts the history of a token registered with a dead grant at its verified status', async () => {
    zoho.whenRefreshing('1000.refresh.dead-on-arrival', { status: 200, body: { error: 'invalid_code' } });

    const registered = await register('dead-on-arrival', '1000.refresh.dead-on-arrival');

    expect(registered.data?.registerOAuthToken).toMatchObject({ status: 'INVALID' });
    const history = await graphqlAsAdmin(app, HISTORY, { clientId: 'dead-on-arrival' });
    expect(history.data?.tokenHealthHistory).toEqual([{ fromStatus: null, toStatus: 'INVALID', source: 'REGISTER' }]);
  });

  it('records no change when a re-registration verifies the status the token already had', async () => {
    zoho.whenRefreshing('1000.refresh.still-dead', { status: 200, body: { error: 'invalid_code' } });
    await register('still-dead', '1000.refresh.still-dead');

    await register('still-dead', '1000.refresh.still-dead');

    const history = await graphqlAsAdmin(app, HISTORY, { clientId: 'still-dead' });
    expect(history.data?.tokenHealthHistory).toEqual([{ fromStatus: null, toStatus: 'INVALID', source: 'REGISTER' }]);
  });

  it('counts a registration in the summary at once, on this replica and on another, and on the console cards', async () => {
    // Both replicas hold a fresh (empty) count before the write.
    expect((await graphqlAsAdmin(app, TOTAL)).data).toMatchObject({ tokenHealthSummary: { total: 0 } });
    expect((await graphqlAsAdmin(replica, TOTAL)).data).toMatchObject({ tokenHealthSummary: { total: 0 } });

    await register('counted', '1000.refresh.counted');

    expect((await graphqlAsAdmin(app, TOTAL)).data).toMatchObject({ tokenHealthSummary: { total: 1 } });
    expect((await graphqlAsAdmin(replica, TOTAL)).data).toMatchObject({ tokenHealthSummary: { total: 1 } });
    const fleet = await (await consoleLogIn(replica)).get('/admin');
    expect(fleet).toContain('<span class="count">1</span><span class="label">Total</span>');
  });

  it('shows beside the last cycle line how many connections are unhealthy now', async () => {
    zoho.whenRefreshing('1000.refresh.broken-one', { status: 200, body: { error: 'invalid_code' } });
    await register('broken-one', '1000.refresh.broken-one');
    await register('fine-one', '1000.refresh.fine-one');

    await graphqlAsAdmin(app, 'mutation { runHealthCheck { checked } }');

    const fleet = await (await consoleLogIn(app)).get('/admin');
    expect(fleet).toMatch(/Last check cycle finished .*: 2 checked, \d+ refreshed, \d+ failed\. Unhealthy now: 1\./);
  });
});
