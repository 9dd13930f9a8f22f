import { Webhook } from 'standardwebhooks';
import { CheckCycleRunner } from '../src/token-health/check-cycle.runner';
import { ProviderOutageService } from '../src/token-health/outages/provider-outage.service';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { seedToken } from './factories/token.factory';
import { AlertSinks, waitUntil } from './support/alert-sinks';
import { FakeOAuthProvider, zohoSuccess } from './support/fake-oauth-provider';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';
import { WebhookSink } from './support/webhook-sink';
import { useSecretScan } from './support/secret-scan';

const SECRET = 'whsec_' + Buffer.alloc(32, 0x33).toString('base64');
const FLEET = 200;
const scan = useSecretScan();

describe('Provider outages', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let sinks: AlertSinks;
  let receiver: WebhookSink;
  let app: TestApp;
  let env: Record<string, string>;

  const down = () => (zoho.defaultBehaviour = () => ({ status: 500, body: 'accounts server error' }));
  const up = () => (zoho.defaultBehaviour = () => zohoSuccess());
  const seedFleet = async (count = FLEET, prefix = 'tenant') => {
    const refreshTokens: string[] = [];
    for (let i = 0; i < count; i++) refreshTokens.push((await seedToken(app, { clientId: `${prefix}-${i}`, expiresInMinutes: 5 })).refreshToken!);
    return refreshTokens;
  };
  // A new cycle starts in a new second (cycles are identified by their whole-second start).
  const cycle = async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
    await app.get(TokenHealthService).checkAndAlert({});
  };
  const delivered = async () => {
    await waitUntil(
      async () => {
        const [{ pending }] = await app.dataSource.query(`SELECT count(*)::int AS pending FROM alert_outbox WHERE status = 'pending'`);
        return pending === 0;
      },
      20_000,
      'every alert delivered',
    );
  };
  const slackTitles = () => sinks.slack.requests.map((request) => (request.json as { text: string }).text);
  const mailSubjects = () => sinks.smtp.messages.map((message) => message.subject);
  const smsBodies = () => sinks.twilio.requests.map((request) => request.form!.Body);
  const webhookTypes = () =>
    receiver.requests.map(
      (request) => (new Webhook(SECRET).verify(request.body, request.headers as Record<string, string>) as { type: string }).type,
    );
  const count = (items: string[], pattern: RegExp) => items.filter((item) => pattern.test(item)).length;
  const outages = () =>
    app.dataSource.query<{ provider: string; closed_at: Date | null }[]>('SELECT provider, closed_at FROM provider_outages ORDER BY id');

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    sinks = await AlertSinks.start();
    receiver = await WebhookSink.start({ path: '/hooks/th' });
    env = {
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      ...sinks.env(),
      ALERT_WEBHOOK_URL: receiver.url,
      ALERT_WEBHOOK_SECRET: SECRET,
      // A reminder every cycle, so three cycles show whether reminders repeat the incident or the tokens.
      ALERT_REPEAT_INTERVAL_MINUTES: '0',
      TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0',
      TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1',
      TOKEN_HEALTH_CONCURRENCY: '20',
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

  it('announces one outage with a reminder per later cycle and no per-token alert while every refresh fails for three cycles', async () => {
    await seedFleet();
    down();

    await cycle();
    await cycle();
    await cycle();
    await delivered();

    expect(zoho.refreshCount()).toBe(3 * FLEET);
    for (const titles of [slackTitles(), mailSubjects()]) {
      expect(titles).toEqual(['Provider outage: zoho', 'Provider outage: zoho', 'Provider outage: zoho']);
    }
    expect(
      count(
        slackTitles().map((_, i) => JSON.stringify(sinks.slack.requests[i].json)),
        /Reminder: still/,
      ),
    ).toBe(2);
    expect(webhookTypes()).toEqual(['provider.outage', 'provider.outage', 'provider.outage']);
    expect(sinks.slack.requests.map((request) => JSON.stringify(request.json))).toEqual(Array(3).fill(expect.stringContaining('provider_failing')));
    expect(smsBodies()).toEqual([]);
    expect(await outages()).toEqual([{ provider: 'zoho', closed_at: null }]);
    const [{ failing }] = await app.dataSource.query(`SELECT count(*)::int AS failing FROM oauth_tokens WHERE token_status = 'refresh_failed'`);
    expect(failing).toBe(FLEET);
  }, 60_000);

  it('shows the open outage as a gauge of 1 on /metrics', async () => {
    await seedFleet(10);
    down();

    await cycle();

    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    expect(metrics).toContain('token_health_provider_outage{provider="zoho"} 1');
    expect(metrics).toMatch(/token_health_alerts_total\{type="provider.outage"\} [1-9]/);
  });

  it('lists the open outage in tokenHealthSummary', async () => {
    await seedFleet(10);
    down();

    await cycle();

    const response = await fetch(`${app.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      body: JSON.stringify({ query: '{ tokenHealthSummary { outages { provider since failures } } }' }),
    });
    const { data } = (await response.json()) as {
      data: { tokenHealthSummary: { outages: { provider: string; since: string; failures: number }[] } };
    };
    expect(data.tokenHealthSummary.outages).toEqual([{ provider: 'zoho', since: expect.any(String), failures: 10 }]);
  });

  it('shows the open outage as a banner on the console fleet page', async () => {
    await seedFleet(10);
    down();

    await cycle();

    const loginPage = await fetch(`${app.baseUrl}/admin/login`);
    const preLogin = loginPage.headers
      .getSetCookie()
      .map((cookie) => cookie.split(';')[0])
      .join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())![1];
    const login = await fetch(`${app.baseUrl}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: preLogin },
      body: new URLSearchParams({ _csrf: csrf, token: TEST_ADMIN_TOKEN }).toString(),
    });
    const session = login.headers
      .getSetCookie()
      .map((cookie) => cookie.split(';')[0])
      .join('; ');
    const fleet = await (await fetch(`${app.baseUrl}/admin`, { headers: { cookie: session } })).text();
    expect(fleet).toMatch(/<div class="banner" role="alert">Provider outage: zoho has been failing since/);
    expect(fleet).toContain('(10 failed refreshes)');
  });

  it('sends one recovered notice and no per-token resolved notice once refreshes succeed again', async () => {
    await seedFleet();
    down();
    await cycle();
    await cycle();
    await delivered();
    sinks.reset();
    receiver.reset();

    up();
    await cycle();
    await cycle();
    await delivered();

    expect(slackTitles()).toEqual(['Provider recovered: zoho']);
    expect(mailSubjects()).toEqual(['Provider recovered: zoho']);
    expect(webhookTypes()).toEqual(['provider.recovered']);
    expect((await outages())[0].closed_at).not.toBeNull();
    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    expect(metrics).toContain('token_health_provider_outage{provider="zoho"} 0');
  }, 60_000);

  it('alerts every revoked grant inside the outage one by one', async () => {
    await seedFleet();
    const revoked = await seedFleet(10, 'revoked');
    down();
    for (const token of revoked) zoho.whenRefreshing(token, { status: 200, body: { error: 'invalid_code' } });

    await cycle();
    await delivered();

    expect(count(slackTitles(), /^OAuth Token invalid: revoked-\d+\/zoho$/)).toBe(10);
    expect(count(slackTitles(), /^Provider outage: zoho$/)).toBe(1);
    expect(slackTitles()).toHaveLength(11);
    expect(count(mailSubjects(), /^OAuth Token invalid/)).toBe(10);
    expect(count(smsBodies(), /OAuth Token invalid/)).toBe(10);
    expect(count(webhookTypes(), /^token\.unhealthy$/)).toBe(10);
    expect(count(webhookTypes(), /^provider\.outage$/)).toBe(1);
  }, 60_000);

  it('alerts the tokens that still fail once the provider has recovered', async () => {
    const tokens = await seedFleet();
    down();
    await cycle();
    await delivered();
    sinks.reset();

    up();
    for (const token of tokens.slice(0, 5)) zoho.whenRefreshing(token, { status: 503, body: 'still down for you' });
    await cycle();
    // Their failures in the cycle that closed the incident were part of it; tried again after the close, they are their own.
    await cycle();
    await delivered();

    expect(count(slackTitles(), /^Provider recovered: zoho$/)).toBe(1);
    expect(count(slackTitles(), /^OAuth Token refresh_failed: tenant-[0-4]\/zoho$/)).toBe(5);
    expect(slackTitles()).toHaveLength(6);
  }, 60_000);

  it('alerts token by token when the failures stay below the outage thresholds', async () => {
    const tokens = await seedFleet(20);
    for (const token of tokens.slice(0, 4)) zoho.whenRefreshing(token, { status: 500, body: 'down' });

    await cycle();
    await delivered();

    expect(count(slackTitles(), /^OAuth Token refresh_failed/)).toBe(4);
    expect(count(slackTitles(), /Provider outage/)).toBe(0);
    expect(await outages()).toEqual([]);
  }, 60_000);

  describe('with reminders due at once (ALERT_REPEAT_INTERVAL_MINUTES=0)', () => {
    const revokeAll = async (count: number) => {
      for (const token of await seedFleet(count)) zoho.whenRefreshing(token, { status: 200, body: { error: 'invalid_code' } });
    };
    const queuedFor = async (channel: string) =>
      (await app.dataSource.query<{ title: string }[]>(`SELECT payload->>'title' AS title FROM alert_outbox WHERE channel = $1`, [channel])).map(
        (row) => row.title,
      );

    it('raises a storm of more than one batch once: one digest, one webhook event per token, no reminder in the same raise', async () => {
      await revokeAll(250);

      await cycle();

      expect(await queuedFor('slack')).toEqual(['250 connections need re-authorization']);
      expect(await queuedFor('webhook')).toHaveLength(250);
    });

    it('alerts more than one batch of tokens once each when digests are off', async () => {
      const perToken = await startTestApp({ ...env, ALERT_DIGEST_THRESHOLD: '100000' });
      try {
        await revokeAll(250);
        await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));

        await perToken.get(TokenHealthService).checkAndAlert({});

        const titles = await queuedFor('slack');
        expect(titles).toHaveLength(250);
        expect(new Set(titles).size).toBe(250);
      } finally {
        await perToken.close();
      }
    }, 60_000);
  });

  it('writes no token or secret into any log or sink', async () => {
    await scan.expectNoLeaks();
  });

  describe('evaluated by three replicas at once', () => {
    let others: TestApp[] = [];
    const everyone = () => [app, ...others];
    const runCycleOnly = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
      return (await app.get(CheckCycleRunner).run()).startedAt;
    };
    const evaluateEverywhere = (cycleStart: Date) =>
      Promise.all(everyone().map((replica) => replica.get(ProviderOutageService).evaluate(cycleStart)));
    const queued = async (title: string) => {
      const rows = await app.dataSource.query<{ channel: string }[]>(
        `SELECT channel FROM alert_outbox WHERE payload->>'title' = $1 ORDER BY channel`,
        [title],
      );
      return rows.map((row) => row.channel);
    };

    beforeAll(async () => {
      others = await Promise.all([1, 2].map(() => startTestApp(env)));
    }, 60_000);

    afterAll(() => Promise.all(others.map((replica) => replica.close())));

    it('opens one incident and queues one outage alert per channel', async () => {
      await seedFleet(20);
      down();

      await evaluateEverywhere(await runCycleOnly());

      expect(await outages()).toHaveLength(1);
      expect(await queued('Provider outage: zoho')).toEqual(['email', 'slack', 'webhook']);
    });

    it('queues one reminder per cycle however many replicas evaluate it', async () => {
      await seedFleet(20);
      down();
      await evaluateEverywhere(await runCycleOnly());

      await evaluateEverywhere(await runCycleOnly());

      expect(await queued('Provider outage: zoho')).toEqual(['email', 'email', 'slack', 'slack', 'webhook', 'webhook']);
    });

    it('closes the incident once and queues one recovered notice per channel', async () => {
      await seedFleet(20);
      down();
      await evaluateEverywhere(await runCycleOnly());
      up();

      await evaluateEverywhere(await runCycleOnly());

      expect((await outages()).map((row) => row.closed_at !== null)).toEqual([true]);
      expect(await queued('Provider recovered: zoho')).toEqual(['email', 'slack', 'webhook']);
    });
  });
});
