// Fault scenario: two replicas on one database deliver the outbox to receivers that
// answer after 8 s (inside the 10 s channel timeout). A batch of claimed entries then
// outlives its first lease; the other replica takes the rest over, and no alert may
// reach a receiver twice.
import { TokenHealthService } from '../../src/token-health/token-health.service';
import { seedToken } from '../factories/token.factory';
import { waitUntil } from '../support/alert-sinks';
import { useSecretScan } from '../support/secret-scan';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { startTestApp, TestApp } from '../support/test-app';
import { RecordedRequest, WebhookSink } from '../support/webhook-sink';

useSecretScan();

const ALERTS = 4;
const RECEIVER_DELAY_MS = 8_000;
const WEBHOOK_SECRET = 'whsec_' + Buffer.alloc(32, 0x27).toString('base64');

describe('two replicas and receivers that answer after 8 s', () => {
  let database: TestDatabase;
  let slack: WebhookSink;
  let twilio: WebhookSink;
  let webhook: WebhookSink;
  let replicas: TestApp[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    [slack, twilio, webhook] = await Promise.all([
      WebhookSink.start(),
      WebhookSink.start({ path: '/2010-04-01/Accounts/AC123/Messages.json', status: 201, body: { sid: 'SM1' } }),
      WebhookSink.start({ path: '/hooks/token-health', status: 204, body: '' }),
    ]);
    for (const sink of [slack, twilio, webhook]) sink.delay(RECEIVER_DELAY_MS);
    const env = {
      DATABASE_URL: database.url,
      ALERT_CHANNEL_TIMEOUT_MS: '10000',
      SLACK_WEBHOOK_URL: slack.url,
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_AUTH_TOKEN: 'twilio-auth-token-of-the-slow-receiver',
      TWILIO_FROM: '+15550000000',
      ALERT_SMS_TO: '+15551111111',
      TWILIO_API_URL: twilio.origin,
      ALERT_WEBHOOK_URL: webhook.url,
      ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET,
    };
    replicas = await Promise.all([startTestApp(env), startTestApp(env)]);
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await Promise.all([slack.close(), twilio.close(), webhook.close()]);
    await database.drop();
  });

  it('delivers each alert exactly once per channel', async () => {
    const [first] = replicas;
    const clientIds = Array.from({ length: ALERTS }, (_, i) => `slow-${i}`);
    for (const clientId of clientIds) await seedToken(first, { clientId, refreshToken: null });
    await first.get(TokenHealthService).checkAndAlert({});

    await waitUntil(
      async () => {
        const [{ sent }] = await first.dataSource.query<{ sent: number }[]>(`SELECT count(*)::int AS sent FROM alert_outbox WHERE status = 'sent'`);
        return sent === ALERTS * 3;
      },
      90_000,
      'every alert delivered on every channel',
    );

    const perClient = (requests: RecordedRequest[], clientIdOf: (request: RecordedRequest) => string) =>
      clientIds.map((clientId) => requests.filter((request) => clientIdOf(request).includes(clientId)).length);
    const once = clientIds.map(() => 1);
    expect(perClient(slack.requests, (request) => request.body)).toEqual(once);
    expect(perClient(twilio.requests, (request) => request.form?.Body ?? '')).toEqual(once);
    expect(perClient(webhook.requests, (request) => request.body)).toEqual(once);
    const [{ attempts }] = await first.dataSource.query<{ attempts: number }[]>('SELECT sum(attempts)::int AS attempts FROM alert_outbox');
    expect(attempts).toBe(ALERTS * 3);
  }, 120_000);
});
