import { Webhook } from 'standardwebhooks';
import { CheckCycleRunner } from '../src/token-health/check-cycle.runner';
import { TokenAlertService } from '../src/token-health/token-alert.service';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { seedToken } from './factories/token.factory';
import { AlertSinks, waitUntil } from './support/alert-sinks';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { useSecretScan } from './support/secret-scan';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { WebhookSink } from './support/webhook-sink';

const SECRET = 'whsec_' + Buffer.alloc(32, 0x21).toString('base64');
const PUBLIC_BASE_URL = 'https://token-health.example.test';
const scan = useSecretScan();

describe('Alert digests', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let sinks: AlertSinks;
  let receiver: WebhookSink;
  let app: TestApp;
  let env: Record<string, string>;

  const revokeFleet = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const { refreshToken } = await seedToken(app, { clientId: `tenant-${String(i).padStart(2, '0')}`, expiresInMinutes: 5 });
      zoho.whenRefreshing(refreshToken!, { status: 200, body: { error: 'invalid_code' } });
    }
  };
  const cycle = async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
    await app.get(TokenHealthService).checkAndAlert({});
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
  const slackTexts = () => sinks.slack.requests.map((request) => JSON.stringify(request.json));
  const slackTitles = () => sinks.slack.requests.map((request) => (request.json as { text: string }).text);
  const webhookEvents = () =>
    receiver.requests.map(
      (request) =>
        new Webhook(SECRET).verify(request.body, request.headers as Record<string, string>) as { type: string; data: { clientId: string } },
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    sinks = await AlertSinks.start();
    receiver = await WebhookSink.start({ path: '/hooks/th' });
    env = {
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      PUBLIC_BASE_URL,
      ...sinks.env(),
      ALERT_WEBHOOK_URL: receiver.url,
      ALERT_WEBHOOK_SECRET: SECRET,
      TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0',
      TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1',
    };
    app = await startTestApp(env);
  }, 60_000);

  beforeEach(async () => {
    zoho.reset();
    sinks.reset();
    receiver.reset();
    await app.dataSource.query('TRUNCATE oauth_tokens, alert_outbox, provider_outages');
  });

  afterAll(async () => {
    await app.close();
    await Promise.all([zoho.close(), sinks.close(), receiver.close()]);
    await database.drop();
  });

  it('sends people one digest when more than ALERT_DIGEST_THRESHOLD connections turn invalid in one cycle', async () => {
    await revokeFleet(23);

    await cycle();
    await delivered();

    expect(slackTitles()).toEqual(['23 connections need re-authorization']);
    expect(sinks.smtp.messages.map((message) => message.subject)).toEqual(['23 connections need re-authorization']);
    expect(sinks.twilio.requests).toHaveLength(1);
    expect(sinks.twilio.requests[0].form!.Body).toContain('23 connections need re-authorization');
  });

  it('lists the first ten connections, counts the rest and links to the console filtered by status', async () => {
    await revokeFleet(23);

    await cycle();
    await delivered();

    const [text] = sinks.smtp.messages.map((message) => message.text);
    for (let i = 0; i < 10; i++) expect(text).toContain(`tenant-${String(i).padStart(2, '0')}/zoho: Dead grant`);
    expect(text).not.toContain('tenant-10/zoho');
    expect(text).toContain('...and 13 more.');
    expect(text).toContain(`${PUBLIC_BASE_URL}/admin?status=invalid`);
  });

  it('still sends the webhook one signed event per connection', async () => {
    await revokeFleet(23);

    await cycle();
    await delivered();

    const events = webhookEvents();
    expect(events).toHaveLength(23);
    expect(events.every((event) => event.type === 'token.unhealthy')).toBe(true);
    expect(new Set(events.map((event) => event.data.clientId)).size).toBe(23);
  });

  it('sends one message per connection at the threshold', async () => {
    await revokeFleet(20);

    await cycle();
    await delivered();

    expect(slackTitles()).toHaveLength(20);
    expect(slackTitles().every((title) => /^OAuth Token invalid: tenant-\d+\/zoho$/.test(title))).toBe(true);
    expect(webhookEvents()).toHaveLength(20);
  });

  it('does not alert the digested connections again in the next cycle', async () => {
    await revokeFleet(23);
    await cycle();
    await delivered();
    sinks.reset();
    receiver.reset();

    await cycle();
    await delivered();

    expect(slackTitles()).toEqual([]);
    expect(receiver.requests).toEqual([]);
  });

  it('sends one digest when they all recover at once, and one recovered event each to the webhook', async () => {
    await revokeFleet(23);
    await cycle();
    await delivered();
    sinks.reset();
    receiver.reset();

    zoho.reset();
    // A refused grant is asked about again once its retry period (a day) has passed.
    await app.dataSource.query(`UPDATE oauth_tokens SET last_health_check = NULL, last_refresh_attempt_at = now() - interval '25 hours'`);
    await cycle();
    await delivered();

    expect(slackTitles()).toEqual(['23 connections are healthy again']);
    expect(webhookEvents().map((event) => event.type)).toEqual(Array(23).fill('token.recovered'));
    expect(sinks.twilio.requests).toEqual([]);
    expect(slackTexts()[0]).toContain(`${PUBLIC_BASE_URL}/admin?status=healthy`);
  });

  it('does not announce the recovery again in the next cycle', async () => {
    await revokeFleet(23);
    await cycle();
    await delivered();
    zoho.reset();
    // A refused grant is asked about again once its retry period (a day) has passed.
    await app.dataSource.query(`UPDATE oauth_tokens SET last_health_check = NULL, last_refresh_attempt_at = now() - interval '25 hours'`);
    await cycle();
    await delivered();
    sinks.reset();
    receiver.reset();

    await app.dataSource.query(`UPDATE oauth_tokens SET last_health_check = NULL`);
    await cycle();
    await delivered();

    expect(slackTitles()).toEqual([]);
    expect(receiver.requests).toEqual([]);
  });

  it('queues one digest when three replicas raise the same storm at once', async () => {
    const others = await Promise.all([1, 2].map(() => startTestApp(env)));
    try {
      await revokeFleet(60);
      await app.get(CheckCycleRunner).run();

      await Promise.all([app, ...others].map((replica) => replica.get(TokenAlertService).raiseDueAlerts()));

      const queued = await app.dataSource.query(`SELECT payload->>'title' AS title FROM alert_outbox WHERE channel = 'slack'`);
      expect(queued).toEqual([{ title: '60 connections need re-authorization' }]);
      const [{ webhook }] = await app.dataSource.query(`SELECT count(*)::int AS webhook FROM alert_outbox WHERE channel = 'webhook'`);
      expect(webhook).toBe(60);
    } finally {
      await Promise.all(others.map((replica) => replica.close()));
    }
  }, 60_000);

  it('writes no token or secret into any log or sink', async () => {
    await scan.expectNoLeaks();
  });
});
