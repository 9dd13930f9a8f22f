import { Webhook } from 'standardwebhooks';
import { TokenStatus } from '../src/oauth/token-status';
import { TokenAlertService } from '../src/token-health/token-alert.service';
import { seedToken } from './factories/token.factory';
import { waitUntil } from './support/alert-sinks';
import { useSecretScan } from './support/secret-scan';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { WebhookSink } from './support/webhook-sink';

useSecretScan();

const TOKENS = 1200;
const SECRET = 'whsec_' + Buffer.alloc(32, 0x4d).toString('base64');

describe('A mass invalidation: webhooks queued without plain links, the digest swept in bounded transactions', () => {
  let database: TestDatabase;
  let slack: WebhookSink;
  let receiver: WebhookSink;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    [slack, receiver] = await Promise.all([WebhookSink.start(), WebhookSink.start({ path: '/hooks/th', status: 204, body: '' })]);
    app = await startTestApp({
      DATABASE_URL: database.url,
      SLACK_WEBHOOK_URL: slack.url,
      ALERT_WEBHOOK_URL: receiver.url,
      ALERT_WEBHOOK_SECRET: SECRET,
    });
    const { clientId } = await seedToken(app, { clientId: 'mass-0000', status: TokenStatus.Invalid });
    // Copies of one seeded row: the alert sweep reads only ids and statuses, and copying keeps the seeding cheap.
    await app.dataSource.query(
      `INSERT INTO oauth_tokens (client_id, provider, refresh_token, access_token, token_status, health_check_error)
       SELECT 'mass-' || lpad(n::text, 4, '0'), provider, refresh_token, access_token, token_status, 'invalid_code'
         FROM oauth_tokens, generate_series(1, $2::int - 1) AS n WHERE client_id = $1`,
      [clientId, TOKENS],
    );
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await Promise.all([slack.close(), receiver.close()]);
    await database.drop();
  });

  it('queues one webhook per token and one digest, stores no connect link, and commits the sweep in batches', async () => {
    await app.get(TokenAlertService).raiseDueAlerts();

    const [queued] = await app.dataSource.query<{ webhooks: number; digests: number; links: number }[]>(
      `SELECT count(*) FILTER (WHERE channel = 'webhook')::int AS webhooks,
              count(*) FILTER (WHERE channel = 'slack')::int AS digests,
              count(*) FILTER (WHERE payload::text LIKE '%connect?link=%')::int AS links
         FROM alert_outbox`,
    );
    expect(queued).toEqual({ webhooks: TOKENS, digests: 1, links: 0 });
    // now() is the transaction's start: one value per committed batch of at most 500 tokens.
    const batches = await app.dataSource.query<{ tokens: number }[]>(
      `SELECT count(*)::int AS tokens FROM oauth_tokens GROUP BY last_alerted_at ORDER BY 1 DESC`,
    );
    expect(batches.map((batch) => batch.tokens)).toEqual([500, 500, 200]);

    const [digest] = await slack.waitFor(1, 10_000);
    expect((digest.json as { text: string }).text).toBe(`${TOKENS} connections need re-authorization`);
    const [event] = await receiver.waitFor(1, 10_000);
    const verified = new Webhook(SECRET).verify(event.body, event.headers as Record<string, string>) as { data: { actionUrl: string } };
    expect(verified.data.actionUrl).toMatch(/\/oauth\/zoho\/connect\?link=[^{]+$/);
    await waitUntil(() => receiver.requests.length >= 3, 10_000, 'a few webhooks delivered');
  }, 60_000);
});
