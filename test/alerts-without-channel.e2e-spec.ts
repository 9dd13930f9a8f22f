// Alerts due while no channel is configured are not recorded as sent: they stay due and go out once a channel
// exists (a restart with SLACK_WEBHOOK_URL). The start says there is none; the summary and the console show it.
import { TokenHealthService } from '../src/token-health/token-health.service';
import { readToken, seedToken } from './factories/token.factory';
import { consoleLogIn } from './support/console-http';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { graphqlAsAdmin } from './support/graphql-client';
import { captureLogs } from './support/log-capture';
import { useSecretScan } from './support/secret-scan';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { WebhookSink } from './support/webhook-sink';

useSecretScan();

const CHANNELS = '{ tokenHealthSummary { alertChannels } }';

describe('Alerts while no channel is configured', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let slack: WebhookSink;
  let app: TestApp | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    [zoho, slack] = await Promise.all([FakeOAuthProvider.start(), WebhookSink.start()]);
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([zoho?.close(), slack?.close()]);
    await database?.drop();
  });

  const start = (env: Record<string, string> = {}) =>
    startTestApp({ DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1', ...env });

  it('says so at start, in the summary and on the console, keeps the alert due, and sends it once Slack is configured', async () => {
    const logs = captureLogs();
    app = await start();
    logs.stop();
    expect(logs.text).toContain('No alert channel is configured');
    expect((await graphqlAsAdmin(app, CHANNELS)).data).toEqual({ tokenHealthSummary: { alertChannels: [] } });
    expect(await (await consoleLogIn(app)).get('/admin')).toContain('No alert channel is configured');

    const { refreshToken } = await seedToken(app, { clientId: 'early', expiresInMinutes: 5 });
    zoho.whenRefreshing(refreshToken!, { status: 200, body: { error: 'invalid_code' } });
    await app.get(TokenHealthService).runHealthCheck();

    const row = await readToken(app, 'early');
    expect(row).toMatchObject({ token_status: 'invalid', last_alert_status: null, last_alerted_at: null });
    expect(await app.dataSource.query('SELECT id FROM alert_outbox')).toHaveLength(0);
    await app.close();

    app = await start({ SLACK_WEBHOOK_URL: slack.url });
    expect((await graphqlAsAdmin(app, CHANNELS)).data).toEqual({ tokenHealthSummary: { alertChannels: ['slack'] } });
    await app.get(TokenHealthService).runHealthCheck();

    const [alert] = await slack.waitFor(1);
    expect(alert.body).toContain('OAuth Token invalid: early/zoho');
    expect(await readToken(app, 'early')).toMatchObject({ last_alert_status: 'invalid' });
  });
});
