// Three replicas of the built server on one database, a 2-second cron and 200 tokens
// at a provider that fails every refresh, then recovers: one incident, one notice each way.
import { Webhook } from 'standardwebhooks';
import { seedToken } from '../factories/token.factory';
import { AlertSinks, settle, waitUntil } from '../support/alert-sinks';
import { FakeOAuthProvider, zohoSuccess } from '../support/fake-oauth-provider';
import { ServerProcess } from '../support/server-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { startTestApp, TestApp, testEnv } from '../support/test-app';
import { useSecretScan } from '../support/secret-scan';
import { WebhookSink } from '../support/webhook-sink';

const SECRET = 'whsec_' + Buffer.alloc(32, 0x44).toString('base64');
const FLEET = 200;
const scan = useSecretScan();

describe('a provider outage seen by three replicas', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let sinks: AlertSinks;
  let receiver: WebhookSink;
  let seeder: TestApp;
  let replicas: ServerProcess[] = [];

  const slackTitles = () => sinks.slack.requests.map((request) => (request.json as { text: string }).text);
  const mailSubjects = () => sinks.smtp.messages.map((message) => message.subject);
  const webhookTypes = () =>
    receiver.requests.map(
      (request) => (new Webhook(SECRET).verify(request.body, request.headers as Record<string, string>) as { type: string }).type,
    );
  const delivered = () =>
    waitUntil(
      async () => {
        const [{ pending }] = await seeder.dataSource.query(`SELECT count(*)::int AS pending FROM alert_outbox WHERE status = 'pending'`);
        return pending === 0;
      },
      20_000,
      'every alert delivered',
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    sinks = await AlertSinks.start();
    receiver = await WebhookSink.start({ path: '/hooks/th' });
    const env = testEnv({
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      ALERT_DISPATCH_INTERVAL_MS: '200',
      ...sinks.env(),
      ALERT_WEBHOOK_URL: receiver.url,
      ALERT_WEBHOOK_SECRET: SECRET,
      // Failed tokens are retried every cycle; refreshed ones (valid 60 min) are not due again.
      TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0',
      TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES: '30',
      TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1',
    });
    seeder = await startTestApp(env);
    for (let i = 0; i < FLEET; i++) await seedToken(seeder, { clientId: `tenant-${i}`, expiresInMinutes: 5 });
    zoho.defaultBehaviour = () => ({ status: 500, body: 'accounts server error' });
    zoho.latencyMs = 5;
    replicas = await Promise.all(
      [1, 2, 3].map(() => ServerProcess.start({ ...env, TOKEN_HEALTH_ENABLED: 'true', TOKEN_HEALTH_CRON: '*/2 * * * * *' })),
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await seeder.close();
    await Promise.all([zoho.close(), sinks.close(), receiver.close()]);
    await database.drop();
  });

  it('opens exactly one incident and announces it once per channel, with no per-token alert, over three cycles', async () => {
    await waitUntil(() => zoho.refreshCount() >= 3 * FLEET, 60_000, 'three cycles of failing refreshes');
    await settle(2500);
    await delivered();

    expect(slackTitles()).toEqual(['Provider outage: zoho']);
    expect(mailSubjects()).toEqual(['Provider outage: zoho']);
    expect(webhookTypes()).toEqual(['provider.outage']);
    expect(sinks.twilio.requests).toEqual([]);
    expect(await seeder.dataSource.query('SELECT provider, closed_at FROM provider_outages')).toEqual([{ provider: 'zoho', closed_at: null }]);
  }, 90_000);

  it('closes that incident once and sends one recovered notice per channel when the provider answers again', async () => {
    sinks.reset();
    receiver.reset();
    zoho.defaultBehaviour = () => zohoSuccess();

    await waitUntil(
      async () => {
        const [{ open }] = await seeder.dataSource.query('SELECT count(*)::int AS open FROM provider_outages WHERE closed_at IS NULL');
        return open === 0;
      },
      30_000,
      'the outage closed',
    );
    await settle(4500); // two more cycles
    await delivered();

    expect(slackTitles()).toEqual(['Provider recovered: zoho']);
    expect(mailSubjects()).toEqual(['Provider recovered: zoho']);
    expect(webhookTypes()).toEqual(['provider.recovered']);
    expect(await seeder.dataSource.query('SELECT count(*)::int AS n FROM provider_outages')).toEqual([{ n: 1 }]);
    const [{ healthy }] = await seeder.dataSource.query(`SELECT count(*)::int AS healthy FROM oauth_tokens WHERE token_status = 'healthy'`);
    expect(healthy).toBe(FLEET);
  }, 90_000);

  it('writes no token or secret into any replica log or sink', async () => {
    expect(scan.size.secrets).toBeGreaterThanOrEqual(2 * FLEET);
    await scan.expectNoLeaks();
  });
});
