import request from 'supertest';
import { AlertOutboxBacklog } from '../src/alerting/alert-outbox.backlog';
import { MetricsController } from '../src/metrics/metrics.controller';
import { TokenCountsCache } from '../src/token-health/token-counts.cache';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { seedToken } from './factories/token.factory';
import { FakeOAuthProvider, zohoSuccess } from './support/fake-oauth-provider';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TEST_CLIENT_SECRET, TestApp } from './support/test-app';
import { WebhookSink } from './support/webhook-sink';
import { useSecretScan } from './support/secret-scan';
import { httpServer } from './factories/http-server';

useSecretScan();

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format into samples (comments skipped). */
function parseSamples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
      if (!match) throw new Error(`Not a Prometheus sample: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]));
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

/** The value of the one sample named `name` whose labels are exactly `labels`. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const matches = samples.filter(
    (sample) => sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === JSON.stringify(Object.entries(labels).sort()),
  );
  if (matches.length > 1) throw new Error(`${matches.length} samples of ${name} ${JSON.stringify(labels)}`);
  return matches[0]?.value;
}

describe(MetricsController.name, () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let slack: WebhookSink;
  let app: TestApp;
  let cycleStartedAt: number;
  let cycleFinishedAt: number;
  let scrape: request.Response;
  let samples: Sample[];

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    slack = await WebhookSink.start();
    app = await startTestApp({
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      SLACK_WEBHOOK_URL: slack.url,
      TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1',
    });

    const refreshed = await seedToken(app, { clientId: 'acme', expiresInMinutes: 10 });
    const revoked = await seedToken(app, { clientId: 'globex', expiresInMinutes: 10 });
    const failing = await seedToken(app, { clientId: 'initech', expiresInMinutes: 10 });
    await seedToken(app, { clientId: 'umbrella', expiresInMinutes: 240 });
    zoho.whenRefreshing(refreshed.refreshToken!, zohoSuccess());
    zoho.whenRefreshing(revoked.refreshToken!, { status: 400, body: { error: 'invalid_grant' } });
    zoho.whenRefreshing(failing.refreshToken!, { status: 500, body: 'upstream down' });
    // The first alert delivery fails once and is retried.
    slack.failNext(1, 500);

    cycleStartedAt = Date.now();
    await app.get(TokenHealthService).runScheduledCheck();
    cycleFinishedAt = Date.now();

    // Alerts go out asynchronously from the outbox: scrape until both are delivered.
    const deadline = Date.now() + 10_000;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      scrape = await request(httpServer(app)).get('/metrics');
      samples = parseSamples(scrape.text);
    } while (valueOf(samples, 'alerts_sent_total', { channel: 'slack', outcome: 'sent' }) !== 2 && Date.now() < deadline);
  });

  afterAll(async () => {
    await app?.close();
    await slack?.close();
    await zoho?.close();
    await database?.drop();
  });

  it('serves the Prometheus text format without authentication', () => {
    expect(scrape.status).toBe(200);
    expect(scrape.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts stored tokens by provider and status, zero for empty statuses', () => {
    expect(valueOf(samples, 'oauth_tokens', { provider: 'zoho', status: 'healthy' })).toBe(2);
    expect(valueOf(samples, 'oauth_tokens', { provider: 'zoho', status: 'invalid' })).toBe(1);
    expect(valueOf(samples, 'oauth_tokens', { provider: 'zoho', status: 'refresh_failed' })).toBe(1);
    expect(valueOf(samples, 'oauth_tokens', { provider: 'zoho', status: 'expiring' })).toBe(0);
  });

  it('counts refreshes at the provider by outcome', () => {
    expect(valueOf(samples, 'oauth_token_refresh_total', { provider: 'zoho', outcome: 'success' })).toBe(1);
    expect(valueOf(samples, 'oauth_token_refresh_total', { provider: 'zoho', outcome: 'dead_grant' })).toBe(1);
    expect(valueOf(samples, 'oauth_token_refresh_total', { provider: 'zoho', outcome: 'failure' })).toBe(1);
  });

  it('observes the duration of the one completed cycle', () => {
    expect(valueOf(samples, 'token_health_check_duration_seconds_count')).toBe(1);
    expect(valueOf(samples, 'token_health_check_duration_seconds_bucket', { le: '+Inf' })).toBe(1);
    const seconds = valueOf(samples, 'token_health_check_duration_seconds_sum')!;
    expect(seconds).toBeGreaterThan(0);
    // The cycle ran inside the call that started it.
    expect(seconds * 1000).toBeLessThanOrEqual(cycleFinishedAt - cycleStartedAt);
  });

  it('sets the last success timestamp to when the cycle completed', () => {
    const timestamp = valueOf(samples, 'token_health_last_success_timestamp_seconds')!;

    expect(timestamp * 1000).toBeGreaterThanOrEqual(cycleStartedAt);
    expect(timestamp * 1000).toBeLessThanOrEqual(cycleFinishedAt);
  });

  it('counts alert deliveries by channel and outcome', () => {
    expect(valueOf(samples, 'alerts_sent_total', { channel: 'slack', outcome: 'sent' })).toBe(2);
    expect(valueOf(samples, 'alerts_sent_total', { channel: 'slack', outcome: 'retry' })).toBe(1);
  });

  it('starts the counters an alert rule watches at 0, so their first increment is an increase', () => {
    expect(valueOf(samples, 'alerts_sent_total', { channel: 'slack', outcome: 'failed' })).toBe(0);
    expect(valueOf(samples, 'oauth_token_unreadable_total', { provider: 'zoho' })).toBe(0);
  });

  it('exposes the default process metrics', () => {
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(valueOf(samples, name)).toEqual(expect.any(Number));
    }
  });

  it('shows no token or client secret', async () => {
    const rows: { refresh_token: string }[] = await app.dataSource.query('SELECT refresh_token FROM oauth_tokens');

    expect(scrape.text).not.toContain(TEST_CLIENT_SECRET);
    expect(scrape.text).not.toMatch(/1000\.(refresh|access)\./);
    for (const row of rows) expect(scrape.text).not.toContain(row.refresh_token);
  });

  it('serves the token counts from the cache, not from a query per scrape', async () => {
    await app.get(TokenCountsCache).refresh();
    await seedToken(app, { provider: 'zoho', clientId: 'hooli', expiresInMinutes: 240 });

    const next = parseSamples((await request(httpServer(app)).get('/metrics')).text);

    expect(valueOf(next, 'oauth_tokens', { provider: 'zoho', status: 'healthy' })).toBe(2);
  });

  it('refreshes the token counts right after a completed cycle', async () => {
    await seedToken(app, { provider: 'zoho', clientId: 'pied-piper', expiresInMinutes: 240 });
    await app.get(TokenHealthService).runScheduledCheck();

    let healthy: number | undefined;
    const deadline = Date.now() + 5_000;
    do {
      const next = parseSamples((await request(httpServer(app)).get('/metrics')).text);
      healthy = valueOf(next, 'oauth_tokens', { provider: 'zoho', status: 'healthy' });
    } while (healthy !== 4 && Date.now() < deadline && (await new Promise((resolve) => setTimeout(resolve, 50, true))));

    expect(healthy).toBe(4);
  });
});

describe('METRICS_TOKEN', () => {
  const METRICS_TOKEN = 'metrics-scraper-token-0123456789';
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ DATABASE_URL: database.url, METRICS_TOKEN });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const scrape = (authorization?: string) => {
    const call = request(httpServer(app)).get('/metrics');
    return authorization ? call.set('authorization', authorization) : call;
  };

  it.each([
    ['no token', undefined],
    ['a wrong token', `Bearer ${METRICS_TOKEN}x`],
    ['the token under another scheme', `Basic ${METRICS_TOKEN}`],
  ])('answers 401 and no metrics to a scrape with %s', async (_name, authorization) => {
    const response = await scrape(authorization);

    expect(response.status).toBe(401);
    expect(response.text).not.toContain('oauth_tokens');
    expect(response.text).not.toContain('process_cpu');
  });

  it('serves the metrics to a scrape with the bearer token', async () => {
    const response = await scrape(`Bearer ${METRICS_TOKEN}`);

    expect(response.status).toBe(200);
    expect(response.text).toContain('process_cpu_user_seconds_total');
  });

  it('keeps /health open', async () => {
    expect((await request(httpServer(app)).get('/health')).status).toBe(200);
  });
});

describe('the alert outbox backlog', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let slack: WebhookSink;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    slack = await WebhookSink.start();
    app = await startTestApp({ DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, SLACK_WEBHOOK_URL: slack.url });
  });

  afterAll(async () => {
    await app?.close();
    await slack?.close();
    await zoho?.close();
    await database?.drop();
  });

  const scrape = async () => parseSamples((await request(httpServer(app)).get('/metrics')).text);

  it('is an explicit 0 for an enabled channel before any alert', async () => {
    const samples = await scrape();

    expect(valueOf(samples, 'alert_outbox_pending', { channel: 'slack' })).toBe(0);
    expect(valueOf(samples, 'alert_outbox_oldest_pending_age_seconds', { channel: 'slack' })).toBe(0);
  });

  it('counts deliveries waiting while the channel fails, and drops to 0 once they are delivered', async () => {
    slack.respondWith(500);
    const revoked = await seedToken(app, { clientId: 'globex', expiresInMinutes: 10 });
    zoho.whenRefreshing(revoked.refreshToken!, { status: 400, body: { error: 'invalid_grant' } });
    await app.get(TokenHealthService).runScheduledCheck();
    await slack.waitFor(1);

    await app.get(AlertOutboxBacklog).refresh();
    const waiting = await scrape();

    expect(valueOf(waiting, 'alert_outbox_pending', { channel: 'slack' })).toBe(1);
    expect(valueOf(waiting, 'alert_outbox_oldest_pending_age_seconds', { channel: 'slack' })).toBeGreaterThan(0);

    slack.respondWith(200);
    const deadline = Date.now() + 30_000;
    let pending: number | undefined;
    do {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await app.get(AlertOutboxBacklog).refresh();
      pending = valueOf(await scrape(), 'alert_outbox_pending', { channel: 'slack' });
    } while (pending !== 0 && Date.now() < deadline);

    expect(pending).toBe(0);
    expect(valueOf(await scrape(), 'alert_outbox_oldest_pending_age_seconds', { channel: 'slack' })).toBe(0);
  });
});
