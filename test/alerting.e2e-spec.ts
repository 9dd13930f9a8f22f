import { Injectable } from '@nestjs/common';
import { Alert } from '../src/alerting/alert';
import { AlertingService } from '../src/alerting/alerting.service';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { seedToken } from './factories/token.factory';
import { AlertSinks, settle, waitUntil } from './support/alert-sinks';
import { FakeOAuthProvider, zohoSuccess } from './support/fake-oauth-provider';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp, testEnv } from './support/test-app';
import { ServerProcess } from './support/server-process';
import { Client, QueryResultRow } from 'pg';
import { useSecretScan } from './support/secret-scan';

const scan = useSecretScan();

describe('Alerting', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let sinks: AlertSinks;
  let app: TestApp;
  let env: Record<string, string>;

  const checkAndAlert = (target: TestApp, clientId?: string) => target.get(TokenHealthService).checkAndAlert(clientId ? { clientId } : {});
  const recheck = async (target: TestApp, clientId: string) => {
    // A new cycle: forget this cycle's check and the rate-limit memory.
    await target.dataSource.query(
      `UPDATE oauth_tokens SET last_health_check = NULL, last_refresh_attempt_at = NULL, last_refreshed_at = NULL WHERE client_id = $1`,
      [clientId],
    );
    return checkAndAlert(target, clientId);
  };
  const counts = () => ({ slack: sinks.slack.requests.length, email: sinks.smtp.messages.length, sms: sinks.twilio.requests.length });

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    sinks = await AlertSinks.start();
    env = { DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, ...sinks.env() };
    app = await startTestApp(env);
  });

  beforeEach(async () => {
    zoho.reset();
    sinks.reset();
    await app.dataSource.query('TRUNCATE oauth_tokens, alert_outbox');
  });

  afterAll(async () => {
    await app.close();
    await Promise.all([zoho.close(), sinks.close()]);
    await database.drop();
  });

  it('sends an invalid token to Slack, email and SMS with title, severity and a re-authorize link', async () => {
    const { clientId, refreshToken } = await seedToken(app, { clientId: 'acme', expiresInMinutes: 5 });
    zoho.whenRefreshing(refreshToken!, { status: 200, body: { error: 'invalid_code' } });

    await checkAndAlert(app, clientId);

    const [slack] = await sinks.slack.waitFor(1);
    const [mail] = await sinks.smtp.waitFor(1);
    const [sms] = await sinks.twilio.waitFor(1);
    expect(JSON.stringify(slack.json)).toContain('OAuth Token invalid: acme/zoho');
    expect(JSON.stringify(slack.json)).toMatch(/critical/i);
    expect(JSON.stringify(slack.json)).toContain('/oauth/zoho/connect?link=');
    expect(mail.subject).toBe('OAuth Token invalid: acme/zoho');
    expect(mail.text).toMatch(/Re-authorize/);
    expect(sms.form?.Body).toContain('OAuth Token invalid: acme/zoho');
  });

  it('sends refresh_failed to Slack and email but not SMS', async () => {
    const { clientId, refreshToken } = await seedToken(app, { expiresInMinutes: 5 });
    zoho.whenRefreshing(refreshToken!, { status: 503, body: 'down' });

    await checkAndAlert(app, clientId);

    await sinks.slack.waitFor(1);
    await sinks.smtp.waitFor(1);
    await settle();
    expect(counts()).toEqual({ slack: 1, email: 1, sms: 0 });
    expect(JSON.stringify(sinks.slack.requests[0].json)).toContain('OAuth Token refresh_failed');
  });

  it('alerts once per incident across three cycles with the same bad token', async () => {
    const { clientId, refreshToken } = await seedToken(app, { expiresInMinutes: 5 });
    zoho.whenRefreshing(refreshToken!, { status: 400, body: { error: 'invalid_grant' } });

    for (let cycle = 0; cycle < 3; cycle++) await recheck(app, clientId);

    await sinks.twilio.waitFor(1);
    await settle();
    expect(counts()).toEqual({ slack: 1, email: 1, sms: 1 });
    expect(zoho.refreshCount()).toBe(3);
  });

  it('reminds after the repeat interval while the token stays unhealthy', async () => {
    const { clientId } = await seedToken(app, { refreshToken: null });
    await checkAndAlert(app, clientId);
    await sinks.slack.waitFor(1);

    await app.dataSource.query(`UPDATE oauth_tokens SET last_alerted_at = now() - interval '25 hours'`);
    await recheck(app, clientId);

    const requests = await sinks.slack.waitFor(2);
    expect(JSON.stringify(requests[1].json)).toContain('Reminder');
  });

  it('sends exactly one resolved notice when the token is healthy again', async () => {
    const { clientId, refreshToken } = await seedToken(app, { expiresInMinutes: 5 });
    zoho.whenRefreshing(refreshToken!, { status: 200, body: { error: 'invalid_code' } }, zohoSuccess());
    await checkAndAlert(app, clientId);
    await sinks.slack.waitFor(1);

    await recheck(app, clientId);
    await recheck(app, clientId);

    const requests = await sinks.slack.waitFor(2);
    await settle();
    expect(requests).toHaveLength(2);
    expect(JSON.stringify(requests[1].json)).toMatch(/healthy again/);
  });

  it('retries Slack after 500s and delivers exactly once', async () => {
    sinks.slack.failNext(2, 500);
    const { clientId } = await seedToken(app, { refreshToken: null });

    await checkAndAlert(app, clientId);

    await waitUntil(async () => (await outboxStatus(app, 'slack')) === 'sent', 15_000, 'slack delivery');
    expect(sinks.slack.requests).toHaveLength(3);
    await settle();
    expect(sinks.slack.requests).toHaveLength(3);
    expect(sinks.smtp.messages).toHaveLength(1);
  });

  it('parks a permanent failure (Slack 400) as failed with the reason', async () => {
    sinks.slack.failNext(1, 400, 'invalid_payload');
    const { clientId } = await seedToken(app, { refreshToken: null });

    await checkAndAlert(app, clientId);

    await waitUntil(async () => (await outboxStatus(app, 'slack')) === 'failed', 5_000, 'slack failure');
    const [row] = await app.dataSource.query(`SELECT last_error FROM alert_outbox WHERE channel = 'slack'`);
    expect(row.last_error).toContain('invalid_payload');
  });

  it('delivers an alert queued before a restart once the process is back', async () => {
    // A database of its own: no other process may dispatch this outbox while the server is down.
    const own = await createTestDatabase();
    const serverEnv = testEnv({ ...env, DATABASE_URL: own.url, ALERT_DISPATCH_INTERVAL_MS: '100', TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0' });
    const seeder = await startTestApp(serverEnv);
    await seedToken(seeder, { clientId: 'restart', refreshToken: null });
    await seeder.close();
    sinks.slack.respondWith(500, 'down');
    let server = await ServerProcess.start(serverEnv);
    try {
      const checked = await server.graphql('mutation { checkTokenHealth(clientId: "restart") { status } }');
      expect(checked).toEqual({ data: { checkTokenHealth: [{ status: 'INVALID' }] } });
      await sinks.slack.waitFor(1);
      await server.stop();
      const [queued] = await queryDatabase<{ status: string }>(own.url, `SELECT status FROM alert_outbox WHERE channel = 'slack'`);
      expect(queued.status).toBe('pending');

      sinks.slack.respondWith(200, 'ok');
      sinks.slack.reset();
      server = await ServerProcess.start(serverEnv);

      const [delivered] = await sinks.slack.waitFor(1, 10_000);
      expect(JSON.stringify(delivered.json)).toContain('OAuth Token invalid: restart/zoho');
      await waitUntil(
        async () =>
          (await queryDatabase<{ status: string }>(own.url, `SELECT status FROM alert_outbox WHERE channel = 'slack'`))[0].status === 'sent',
        5_000,
        'sent',
      );
      await settle();
      expect(sinks.slack.requests).toHaveLength(1);
    } finally {
      sinks.slack.respondWith(200, 'ok');
      await server.stop();
      await own.drop();
    }
  }, 60_000);

  it('delivers each alert once when two replicas check and dispatch at the same time', async () => {
    const replica = await startTestApp(env);
    try {
      const tokens = await Promise.all(Array.from({ length: 10 }, () => seedToken(app, { refreshToken: null })));

      await Promise.all([checkAndAlert(app), checkAndAlert(replica)]);

      await sinks.slack.waitFor(tokens.length);
      await sinks.twilio.waitFor(tokens.length);
      await sinks.smtp.waitFor(tokens.length, 10_000);
      await settle(1000);
      expect(counts()).toEqual({ slack: 10, email: 10, sms: 10 });
    } finally {
      await replica.close();
    }
  });

  it('never puts token values or secrets into any alert', async () => {
    const { clientId, refreshToken } = await seedToken(app, { expiresInMinutes: 5, accessToken: 'secret-access-value' });
    zoho.whenRefreshing(refreshToken!, { status: 200, body: { error: 'invalid_code' } });

    await checkAndAlert(app, clientId);
    await sinks.twilio.waitFor(1);
    await sinks.smtp.waitFor(1);

    await scan.expectNoLeaks();
  });
});

@Injectable()
class RecordingAlertingService extends AlertingService {
  readonly alerts: Alert[] = [];
  sendAlert(alert: Alert): Promise<void> {
    this.alerts.push(alert);
    return Promise.resolve();
  }
}

describe('TokenHealthModule.forRoot({ alerting })', () => {
  it("sends alerts to the host app's own AlertingService", async () => {
    const database = await createTestDatabase();
    const app = await startTestApp({ DATABASE_URL: database.url }, { alerting: { useClass: RecordingAlertingService } });
    try {
      const { clientId } = await seedToken(app, { clientId: 'host', refreshToken: null });

      await app.get(TokenHealthService).checkAndAlert({ clientId });

      const sut = app.get(AlertingService) as RecordingAlertingService;
      await waitUntil(() => sut.alerts.length > 0, 10_000, 'the host alerting service called');
      expect(sut.alerts).toEqual([expect.objectContaining({ severity: 'critical', title: 'OAuth Token invalid: host/zoho' })]);
    } finally {
      await app.close();
      await database.drop();
    }
  });
});

async function outboxStatus(app: TestApp, channel: string): Promise<string | undefined> {
  const [row] = await app.dataSource.query<{ status: string }[]>('SELECT status FROM alert_outbox WHERE channel = $1 ORDER BY id DESC LIMIT 1', [
    channel,
  ]);
  return row?.status;
}

async function queryDatabase<Row extends QueryResultRow>(url: string, sql: string): Promise<Row[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}
