import { Webhook } from 'standardwebhooks';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { seedToken } from './factories/token.factory';
import { waitUntil } from './support/alert-sinks';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TEST_CLIENT_SECRET, TestApp } from './support/test-app';
import { RecordedRequest, WebhookSink } from './support/webhook-sink';
import { useSecretScan } from './support/secret-scan';

useSecretScan();

const SECRET = 'whsec_' + Buffer.alloc(32, 0x5a).toString('base64');

describe('Webhook channel', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let receiver: WebhookSink;
  let app: TestApp;

  const verify = (request: RecordedRequest, body = request.body) =>
    new Webhook(SECRET).verify(body, request.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
  const invalidToken = async (clientId: string) => {
    const { refreshToken } = await seedToken(app, { clientId, expiresInMinutes: 5 });
    zoho.whenRefreshing(refreshToken!, { status: 200, body: { error: 'invalid_code' } });
    await app.get(TokenHealthService).checkAndAlert({ clientId });
    return refreshToken!;
  };
  const outboxRow = async () =>
    (await app.dataSource.query(`SELECT status, attempts FROM alert_outbox WHERE channel = 'webhook'`))[0] as { status: string; attempts: number };

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    receiver = await WebhookSink.start({ path: '/hooks/token-health', status: 204, body: '' });
    app = await startTestApp({
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      ALERT_WEBHOOK_URL: receiver.url,
      ALERT_WEBHOOK_SECRET: SECRET,
    });
  });

  beforeEach(async () => {
    zoho.reset();
    receiver.reset();
    receiver.respondWith(204, '');
    await app.dataSource.query('TRUNCATE oauth_tokens, alert_outbox');
  });

  afterAll(async () => {
    await app.close();
    await Promise.all([zoho.close(), receiver.close()]);
    await database.drop();
  });

  it('posts one signed token.unhealthy event that the reference verifier accepts', async () => {
    await invalidToken('acme');

    const [request] = await receiver.waitFor(1);
    const event = verify(request);
    expect(event.type).toBe('token.unhealthy');
    expect(event.data).toMatchObject({ clientId: 'acme', provider: 'zoho', status: 'invalid', severity: 'critical' });
    expect(event.data.error).toContain('invalid_code');
    expect(event.data.actionUrl).toContain('/oauth/zoho/connect?link=');
    await waitUntil(async () => (await outboxRow())?.status === 'sent', 5_000, 'webhook marked sent');
  });

  it('carries no token and no secret', async () => {
    const refreshToken = await invalidToken('acme');

    const [request] = await receiver.waitFor(1);
    const everything = JSON.stringify(request);
    expect(everything).not.toContain(refreshToken);
    expect(everything).not.toContain(TEST_CLIENT_SECRET);
    expect(everything).not.toContain(SECRET.slice('whsec_'.length));
  });

  it('fails verification when the body was tampered with', async () => {
    await invalidToken('acme');

    const [request] = await receiver.waitFor(1);
    expect(() => verify(request, request.body.replace('"acme"', '"evil"'))).toThrow();
  });

  it('fails verification when the request is replayed later', async () => {
    await invalidToken('acme');

    const [request] = await receiver.waitFor(1);
    const later = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 10 * 60_000);
    try {
      expect(() => verify(request)).toThrow(/too old/);
    } finally {
      later.mockRestore();
    }
  });

  it('retries a failing receiver with the same webhook-id until it answers 2xx', async () => {
    receiver.failNext(2, 503);

    await invalidToken('acme');

    const requests = await receiver.waitFor(3, 15_000);
    expect(new Set(requests.map((request) => request.headers['webhook-id'])).size).toBe(1);
    requests.forEach((request) => expect(() => verify(request)).not.toThrow());
    await waitUntil(async () => (await outboxRow())?.status === 'sent', 5_000, 'webhook marked sent');
  });

  it('parks the event after a permanent 4xx answer, without retrying', async () => {
    receiver.respondWith(400, 'bad request');

    await invalidToken('acme');

    await waitUntil(async () => (await outboxRow())?.status === 'failed', 5_000, 'webhook parked');
    expect((await outboxRow()).attempts).toBe(1);
    expect(receiver.requests).toHaveLength(1);
  });
});
