// Each alert, webhook event and console row names why a connection is unhealthy, and its advice fits that cause:
// only a dead grant asks for a re-authorization; a failing provider is retried; the list stays one line per row.
import { Webhook } from 'standardwebhooks';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { seedToken } from './factories/token.factory';
import { consoleLogIn } from './support/console-http';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { useSecretScan } from './support/secret-scan';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { WebhookSink } from './support/webhook-sink';

useSecretScan();

const SECRET = 'whsec_' + Buffer.alloc(32, 0x3c).toString('base64');
const LONG_DESCRIPTION = `Token has been expired or revoked. ${'Please reconnect the account. '.repeat(20)}`;

interface SlackMessage {
  text: string;
  blocks: { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: unknown[] }[];
}

describe('Alerts by cause', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let slack: WebhookSink;
  let webhook: WebhookSink;
  let app: TestApp;

  const slackText = (message: SlackMessage) => message.blocks.map((block) => block.text?.text ?? '').join('\n');
  const webhookEvents = () =>
    webhook.requests.map(
      (request) =>
        new Webhook(SECRET).verify(request.body, request.headers as Record<string, string>) as { type: string; data: Record<string, unknown> },
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    [zoho, slack, webhook] = await Promise.all([FakeOAuthProvider.start(), WebhookSink.start(), WebhookSink.start({ status: 204, body: '' })]);
    app = await startTestApp({
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      SLACK_WEBHOOK_URL: slack.url,
      ALERT_WEBHOOK_URL: webhook.url,
      ALERT_WEBHOOK_SECRET: SECRET,
      TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1',
    });
  });

  beforeEach(async () => {
    zoho.reset();
    slack.reset();
    webhook.reset();
    await app.dataSource.query('TRUNCATE oauth_tokens, alert_outbox');
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([zoho?.close(), slack?.close(), webhook?.close()]);
    await database?.drop();
  });

  it('says a provider HTTP 500 is retried, never asks to re-authorize, and names the cause provider_failing', async () => {
    const { refreshToken } = await seedToken(app, { clientId: 'acme', expiresInMinutes: 5 });
    zoho.whenRefreshing(refreshToken!, { status: 500, body: { error: 'server_error' } });

    await app.get(TokenHealthService).checkAndAlert({ clientId: 'acme' });

    const [posted] = await slack.waitFor(1);
    const message = JSON.parse(posted.body) as SlackMessage;
    expect(message.text).toBe('OAuth Token refresh_failed: acme/zoho');
    const text = slackText(message);
    expect(text).toContain('the provider is failing');
    expect(text).toContain('retried at the next check');
    expect(text).not.toMatch(/re-authorize (the|by)/i);
    expect(text).not.toContain('is refresh_failed');
    expect(message.blocks.some((block) => block.type === 'actions')).toBe(false);
    expect(message.blocks.flatMap((block) => block.fields ?? []).map((field) => field.text)).toContain('*Cause*\nprovider_failing');
    await webhook.waitFor(1);
    expect(webhookEvents()[0]).toMatchObject({
      type: 'token.unhealthy',
      data: { clientId: 'acme', provider: 'zoho', status: 'refresh_failed', cause: 'provider_failing', actionUrl: null },
    });
  });

  it('asks for a re-authorization, with a link, only for a dead grant, and bounds the provider text in the alert', async () => {
    const { refreshToken } = await seedToken(app, { clientId: 'gone', expiresInMinutes: 5 });
    zoho.whenRefreshing(refreshToken!, { status: 400, body: { error: 'invalid_grant', error_description: LONG_DESCRIPTION } });

    await app.get(TokenHealthService).checkAndAlert({ clientId: 'gone' });

    const [posted] = await slack.waitFor(1);
    const message = JSON.parse(posted.body) as SlackMessage;
    const text = slackText(message);
    expect(text).toContain('has lost its authorization');
    expect(text).toMatch(/Re-authorize the zoho connection of client gone by opening this link: http/);
    expect(message.blocks.some((block) => block.type === 'actions')).toBe(true);
    const errorLine = text.split('\n').find((line) => line.startsWith('Error: '))!;
    expect(errorLine.length).toBeLessThanOrEqual(170);
    await webhook.waitFor(1);
    expect(webhookEvents()[0].data).toMatchObject({
      status: 'invalid',
      cause: 'dead_grant',
      actionUrl: expect.stringContaining('/oauth/zoho/connect?link='),
    });
  });

  it('shows a one-line cause per row in the console list and the cleaned, bounded provider text on the connection page only', async () => {
    const { refreshToken } = await seedToken(app, { clientId: 'listed', expiresInMinutes: 5 });
    zoho.whenRefreshing(refreshToken!, { status: 400, body: { error: 'invalid_grant', error_description: LONG_DESCRIPTION } });
    await app.get(TokenHealthService).checkAndAlert({ clientId: 'listed' });
    const console = await consoleLogIn(app);

    const list = await console.get('/admin');
    const page = await console.get('/admin/connection?clientId=listed&provider=zoho');

    expect(list).toContain('<td class="error-text">Dead grant: the customer must re-authorize</td>');
    expect(list).not.toContain('Please reconnect the account');
    expect(page).toContain('data-cause="dead_grant"');
    expect(page).toContain('Please reconnect the account');
    const detail = /<dt>Error<\/dt><dd class="error-text">([^<]*)<\/dd>/.exec(page)![1];
    expect(detail.length).toBeLessThanOrEqual(600 + 40);
  });
});
