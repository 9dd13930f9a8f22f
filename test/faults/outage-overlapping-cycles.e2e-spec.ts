// Production's rhythm: three replicas of the built server whose 1-second cron is shorter than a
// cycle (200 tokens at a slow provider), so cycles overlap all the time, plus a stream of
// getAccessToken hand-outs from a host-side app on the same database. The provider fails every
// refresh for ten rounds of the fleet, then recovers: one incident, one notice each way, no
// per-token alert for a transient failure, and no moment in the outage where a failing
// connection is neither inside the open incident nor alerted.
import { Webhook } from 'standardwebhooks';
import { OAuthTokenService } from '../../src/oauth/oauth-token.service';
import { seedToken } from '../factories/token.factory';
import { AlertSinks, settle, waitUntil } from '../support/alert-sinks';
import { FakeOAuthProvider, zohoSuccess } from '../support/fake-oauth-provider';
import { ServerProcess } from '../support/server-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { startTestApp, TestApp, testEnv } from '../support/test-app';
import { useSecretScan } from '../support/secret-scan';
import { WebhookSink } from '../support/webhook-sink';

const SECRET = 'whsec_' + Buffer.alloc(32, 0x45).toString('base64');
const FLEET = 200;
const DEAD = 10;
const ROUNDS = 10;
const scan = useSecretScan();

describe('a provider outage under overlapping cycles, three replicas and hand-outs', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let sinks: AlertSinks;
  let receiver: WebhookSink;
  let host: TestApp;
  let replicas: ServerProcess[] = [];
  let handOuts: Promise<void> | undefined;
  let handingOut = true;
  let handedOut = 0;
  /** Samples taken while the provider is down and the incident is open: connections failing outside it, unalerted. */
  const uncovered: number[] = [];

  const slackTitles = () => sinks.slack.requests.map((request) => (request.json as { text: string }).text);
  const webhookTypes = () =>
    receiver.requests.map(
      (request) => (new Webhook(SECRET).verify(request.body, request.headers as Record<string, string>) as { type: string }).type,
    );
  const count = (items: string[], pattern: RegExp) => items.filter((item) => pattern.test(item)).length;
  const query = <T>(sql: string) => host.dataSource.query<T[]>(sql);
  const incidents = () => query<{ closed_at: Date | null }>(`SELECT closed_at FROM provider_outages WHERE provider = 'zoho' ORDER BY id`);
  const delivered = () =>
    waitUntil(
      async () => (await query<{ pending: number }>(`SELECT count(*)::int AS pending FROM alert_outbox WHERE status = 'pending'`))[0].pending === 0,
      20_000,
      'every alert delivered',
    );
  // Failing for a provider reason, not alerted as such, and no open incident of its provider.
  const countUncovered = async () =>
    (
      await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM oauth_tokens t
          WHERE t.token_status = 'refresh_failed' AND t.last_alert_status IS DISTINCT FROM 'refresh_failed'
            AND NOT EXISTS (SELECT 1 FROM provider_outages o WHERE o.provider = t.provider AND o.closed_at IS NULL)`,
      )
    )[0].n;

  const handOutStream = async () => {
    const tokens = host.get(OAuthTokenService);
    while (handingOut) {
      const tenant = `tenant-${Math.floor(Math.random() * FLEET)}`;
      await tokens.getAccessToken(tenant, 'zoho').then(
        () => undefined,
        () => undefined,
      );
      handedOut++;
      await settle(20);
    }
  };

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
      // A loaded machine must not turn the fake's 60 ms into timeouts.
      TOKEN_HEALTH_PROVIDER_TIMEOUT_MS: '5000',
    });
    host = await startTestApp(env);
    for (let i = 0; i < FLEET; i++) await seedToken(host, { clientId: `tenant-${i}`, expiresInMinutes: 4 });
    for (let i = 0; i < DEAD; i++) {
      const { refreshToken } = await seedToken(host, { clientId: `dead-${i}`, expiresInMinutes: 4 });
      // Refused whenever asked (a timeout under load first would only delay that by one round).
      zoho.whenRefreshing(refreshToken!, { status: 400, body: { error: 'invalid_code' } });
    }
    zoho.defaultBehaviour = () => ({ status: 500, body: 'accounts server error' });
    // 200 tokens at 60 ms with 10 in flight: a cycle takes over a second, longer than the cron's interval.
    zoho.latencyMs = 60;
    replicas = await Promise.all(
      [1, 2, 3].map(() => ServerProcess.start({ ...env, TOKEN_HEALTH_ENABLED: 'true', TOKEN_HEALTH_CRON: '* * * * * *' })),
    );
    handOuts = Promise.all([handOutStream(), handOutStream()]).then(() => undefined);
  }, 120_000);

  afterAll(async () => {
    handingOut = false;
    await handOuts;
    await Promise.all(replicas.map((replica) => replica.stop()));
    await host.close();
    await Promise.all([zoho.close(), sinks.close(), receiver.close()]);
    await database.drop();
  });

  it('opens exactly one incident within the first round of the fleet', async () => {
    let requestsWhenOpened = 0;
    await waitUntil(
      async () => {
        requestsWhenOpened = zoho.refreshCount();
        return (await incidents()).length > 0;
      },
      30_000,
      'an incident opened',
    );

    expect(requestsWhenOpened).toBeLessThan(2 * (FLEET + DEAD));
    expect(await incidents()).toEqual([{ closed_at: null }]);
  }, 60_000);

  it(`keeps every failing connection inside that incident, with no per-token alert, for ${ROUNDS} rounds`, async () => {
    const target = ROUNDS * FLEET;
    while (zoho.refreshCount() < target) {
      uncovered.push(await countUncovered());
      await settle(100);
    }
    await settle(1500);
    await delivered();

    expect(handedOut).toBeGreaterThan(0);
    expect(uncovered.length).toBeGreaterThan(ROUNDS);
    expect(uncovered.filter((n) => n > 0)).toEqual([]);
    expect(await incidents()).toEqual([{ closed_at: null }]);
    expect(count(slackTitles(), /^Provider outage: zoho$/)).toBe(1);
    expect(count(slackTitles(), /^OAuth Token invalid: dead-\d+\/zoho$/)).toBe(DEAD);
    expect(slackTitles()).toHaveLength(DEAD + 1);
    expect(count(webhookTypes(), /^provider\.outage$/)).toBe(1);
    expect(count(webhookTypes(), /^token\.unhealthy$/)).toBe(DEAD);
    expect(webhookTypes()).toHaveLength(DEAD + 1);
    const [{ dead }] = await query<{ dead: number }>(
      `SELECT count(*)::int AS dead FROM oauth_tokens WHERE client_id LIKE 'dead-%' AND token_status = 'invalid'`,
    );
    expect(dead).toBe(DEAD);
  }, 90_000);

  it('closes the incident once, only after refreshes succeed again, with one recovered notice and nothing per token', async () => {
    sinks.reset();
    receiver.reset();
    zoho.defaultBehaviour = () => zohoSuccess();

    await waitUntil(async () => (await incidents())[0].closed_at !== null, 30_000, 'the incident closed');
    await settle(3000);
    await delivered();

    const [{ before }] = await query<{ before: number }>(
      `SELECT count(*)::int AS before FROM oauth_tokens
        WHERE token_status = 'healthy' AND last_refreshed_at < (SELECT closed_at FROM provider_outages WHERE provider = 'zoho')`,
    );
    expect(before).toBeGreaterThanOrEqual(5);
    expect(await incidents()).toHaveLength(1);
    expect(slackTitles()).toEqual(['Provider recovered: zoho']);
    expect(webhookTypes()).toEqual(['provider.recovered']);
    const [{ healthy }] = await query<{ healthy: number }>(`SELECT count(*)::int AS healthy FROM oauth_tokens WHERE token_status = 'healthy'`);
    expect(healthy).toBe(FLEET);
  }, 60_000);

  it('writes no token or secret into any replica log or sink', async () => {
    await scan.expectNoLeaks();
  });
});
