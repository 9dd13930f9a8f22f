// A provider enabled without OAuth app credentials fails every refresh for the same reason of ours:
// one configuration alert per provider (not one per token), and one notice once credentials are set.
import { Webhook } from 'standardwebhooks';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { readToken, seedToken } from './factories/token.factory';
import { settle } from './support/alert-sinks';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { useSecretScan } from './support/secret-scan';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { WebhookSink } from './support/webhook-sink';

useSecretScan();

const SECRET = 'whsec_' + Buffer.alloc(32, 0x4d).toString('base64');
const TENANTS = ['t1', 't2', 't3', 't4', 't5'];

describe('A provider without OAuth app credentials', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let slack: WebhookSink;
  let webhook: WebhookSink;
  let app: TestApp | undefined;

  const titles = () => slack.requests.map((request) => (JSON.parse(request.body) as { text: string }).text);
  const events = () =>
    webhook.requests.map(
      (request) =>
        new Webhook(SECRET).verify(request.body, request.headers as Record<string, string>) as { type: string; data: Record<string, unknown> },
    );
  const start = (env: Record<string, string | undefined>) =>
    startTestApp({
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      SLACK_WEBHOOK_URL: slack.url,
      ALERT_WEBHOOK_URL: webhook.url,
      ALERT_WEBHOOK_SECRET: SECRET,
      TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1',
      ...env,
    });

  beforeAll(async () => {
    database = await createTestDatabase();
    [zoho, slack, webhook] = await Promise.all([FakeOAuthProvider.start(), WebhookSink.start(), WebhookSink.start({ status: 204, body: '' })]);
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([zoho?.close(), slack?.close(), webhook?.close()]);
    await database?.drop();
  });

  it('raises one alert for the provider, holds the per-token ones, and says once that it is resolved when credentials are set', async () => {
    app = await start({ ZOHO_CLIENT_ID: undefined, ZOHO_CLIENT_SECRET: undefined });
    for (const clientId of TENANTS) await seedToken(app, { clientId, expiresInMinutes: 5 });

    await app.get(TokenHealthService).runHealthCheck();
    await app.get(TokenHealthService).runHealthCheck();
    await slack.waitFor(1);
    await webhook.waitFor(1);
    await settle();

    expect(await readToken(app, 't3')).toMatchObject({
      token_status: 'refresh_failed',
      health_check_error: expect.stringContaining('ZOHO_CLIENT_ID'),
    });
    expect(titles()).toEqual(['OAuth app not configured: zoho']);
    expect(slack.requests[0].body).toContain('set ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET');
    expect(slack.requests[0].body).toContain('5 connection(s) cannot be refreshed');
    expect(events()).toEqual([
      expect.objectContaining({ type: 'provider.misconfigured', data: expect.objectContaining({ provider: 'zoho', cause: 'configuration' }) }),
    ]);
    expect(zoho.requests).toHaveLength(0);
    await app.close();

    slack.reset();
    webhook.reset();
    app = await start({});
    // As if the next check came after the minimum refresh interval.
    await app.dataSource.query("UPDATE oauth_tokens SET last_refresh_attempt_at = now() - interval '1 hour'");
    await app.get(TokenHealthService).runHealthCheck();
    await slack.waitFor(1);
    await settle();

    expect(await readToken(app, 't3')).toMatchObject({ token_status: 'healthy' });
    expect(titles()).toEqual(['OAuth app configured: zoho']);
    expect(events().map((event) => event.type)).toEqual(['provider.recovered']);
  });
});
