import { TokenHealthService } from '../src/token-health/token-health.service';
import { seedToken } from './factories/token.factory';
import { waitUntil } from './support/alert-sinks';
import { HostileAnswer, HostileReceiver } from './support/hostile-receiver';
import { captureLogs } from './support/log-capture';
import { useSecretScan } from './support/secret-scan';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { WebhookSink } from './support/webhook-sink';

useSecretScan();

const WEBHOOK_SECRET = 'whsec_' + Buffer.alloc(32, 0x3c).toString('base64');

interface OutboxRow {
  channel: string;
  status: string;
  last_error: string | null;
}

describe('Alert channels do not trust whatever answers (redirects, endless and hostile answers)', () => {
  let database: TestDatabase;
  let slack: HostileReceiver;
  let twilio: HostileReceiver;
  let webhook: HostileReceiver;
  let internal: HostileReceiver;
  let app: TestApp;
  const receivers = () => [slack, twilio, webhook];

  const alertFor = async (clientId: string): Promise<OutboxRow[]> => {
    await seedToken(app, { clientId, refreshToken: null });
    await app.get(TokenHealthService).checkAndAlert({ clientId });
    const settled = async () =>
      app.dataSource.query<OutboxRow[]>(`SELECT channel, status, last_error FROM alert_outbox WHERE status <> 'pending' ORDER BY channel`);
    await waitUntil(async () => (await settled()).length === 3, 20_000, 'three deliveries settled');
    return settled();
  };
  const answerAll = (answer: HostileAnswer) => receivers().forEach((receiver) => receiver.reset(answer));

  beforeAll(async () => {
    database = await createTestDatabase();
    [slack, twilio, webhook, internal] = await Promise.all([1, 2, 3, 4].map(() => HostileReceiver.start()));
    app = await startTestApp({
      DATABASE_URL: database.url,
      // One attempt, so every delivery settles (as failed) and its reason can be read.
      ALERT_MAX_DELIVERY_ATTEMPTS: '1',
      SLACK_WEBHOOK_URL: `${slack.origin}/hooks/slack`,
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_AUTH_TOKEN: 'twilio-auth-token-for-hostile-receivers',
      TWILIO_FROM: '+15550000000',
      ALERT_SMS_TO: '+15551111111',
      TWILIO_API_URL: twilio.origin,
      ALERT_WEBHOOK_URL: `${webhook.origin}/hooks/token-health`,
      ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
  });

  beforeEach(async () => {
    internal.reset({ kind: 'text', status: 200, body: 'internal service: you reached me' });
    await app.dataSource.query('TRUNCATE oauth_tokens, alert_outbox');
  });

  afterAll(async () => {
    await app.close();
    await Promise.all([...receivers(), internal].map((receiver) => receiver.close()));
    await database.drop();
  });

  it('treats a redirect as a failed delivery and never re-posts the alert to where it points', async () => {
    answerAll({ kind: 'redirect', location: `${internal.origin}/internal/admin` });

    const rows = await alertFor('acme');

    expect(receivers().map((receiver) => receiver.requests)).toEqual([1, 1, 1]);
    expect(internal.requests).toBe(0);
    expect(rows.map((row) => [row.channel, row.status])).toEqual([
      ['slack', 'failed'],
      ['sms', 'failed'],
      ['webhook', 'failed'],
    ]);
    rows.forEach((row) => expect(row.last_error).toMatch(/answered 307, a redirect/));
    rows.forEach((row) => expect(row.last_error).not.toContain('you reached me'));
  });

  it('reads an endless answer only up to a cap and hangs up', async () => {
    answerAll({ kind: 'endless', status: 500 });

    const rows = await alertFor('acme');

    expect(rows.map((row) => row.status)).toEqual(['failed', 'failed', 'failed']);
    // Loopback socket buffers take a few MB before the writer notices; a whole read takes all 256 MB.
    receivers().forEach((receiver) => expect(receiver.bytesSent).toBeLessThan(16 * 1024 * 1024));
  });

  it('stores and logs only a short, printable, one-line snippet of a hostile answer', async () => {
    const forged = '\u001b[2J\nERROR [AlertDispatcher] forged line\r\n\u202eevil\u200b' + 'y'.repeat(5000);
    answerAll({ kind: 'text', status: 500, body: forged });
    const logs = captureLogs();
    let rows: OutboxRow[];
    try {
      rows = await alertFor('acme');
    } finally {
      logs.stop();
    }

    for (const row of rows) {
      expect(row.last_error).toContain('forged line');
      expect(row.last_error).not.toMatch(/[\p{Cc}\u200b\u202e]/u);
      expect(row.last_error!.length).toBeLessThanOrEqual(300);
    }
    expect(logs.text).not.toContain('\nERROR [AlertDispatcher] forged');
    expect(logs.text).not.toContain('y'.repeat(300));
  });
});

describe("Slack's preview text is escaped like its blocks", () => {
  it('sends a clientId of mentions and links as plain text, not as <!channel> or a disguised link', async () => {
    const database = await createTestDatabase();
    const slack = await WebhookSink.start();
    const app = await startTestApp({ DATABASE_URL: database.url, SLACK_WEBHOOK_URL: slack.url });
    try {
      const clientId = '<!channel> <https://evil.example|Re-authorize here>';
      await seedToken(app, { clientId, refreshToken: null });

      await app.get(TokenHealthService).checkAndAlert({ clientId });

      const [request] = await slack.waitFor(1, 10_000);
      const { text } = request.json as { text: string };
      expect(text).toBe('OAuth Token invalid: &lt;!channel&gt; &lt;https://evil.example|Re-authorize here&gt;/zoho');
    } finally {
      await app.close();
      await slack.close();
      await database.drop();
    }
  });
});
