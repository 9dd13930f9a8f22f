// Issue 11, item 5: provider text is redacted before it is cut short, so no fragment of a
// secret echoed by a provider survives anywhere; the public callback page stays generic.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { ConnectLinkService } from '../src/connect/connect-link.service';
import { HttpTokenClient } from '../src/oauth/providers/http-token-client';
import { seedToken, readToken } from './factories/token.factory';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { CHECK_TOKEN_HEALTH, graphqlAsAdmin } from './support/graphql-client';
import { captureLogs, LogCapture } from './support/log-capture';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TEST_CLIENT_SECRET, TestApp } from './support/test-app';
import { WebhookSink } from './support/webhook-sink';
import { useSecretScan } from './support/secret-scan';
import { httpServer } from './factories/http-server';

useSecretScan();

const FRAGMENT = 12;
// Where the cut fell before the fix: the first 200 characters of a provider's error text.
const CUT = 200;

/** Every `FRAGMENT`-character piece of `secret` found in `text`. */
function fragmentsOf(secret: string, text: string): string[] {
  const found: string[] = [];
  for (let start = 0; start + FRAGMENT <= secret.length; start++) {
    const piece = secret.slice(start, start + FRAGMENT);
    if (text.includes(piece)) found.push(piece);
  }
  return found;
}

/** Every `FRAGMENT`-character piece of `secret`, raw or base64 (any alignment), found in `text` in any letter case. */
function fragmentsInAnyCase(secret: string, text: string): string[] {
  const base64 = [0, 1, 2].map((skip) => Buffer.from(secret.slice(skip)).toString('base64').slice(0, -4));
  return [secret, ...base64].flatMap((variant) => fragmentsOf(variant.toLowerCase(), text.toLowerCase()));
}

const HISTORY = `query($clientId: String!, $provider: String!) { tokenHealthHistory(clientId: $clientId, provider: $provider) { error } }`;

/** An error description that echoes `secret` so that it straddles the old cut, most of it before. */
const straddling = (secret: string) => `${'x'.repeat(CUT - secret.length + 4)}${secret} (echoed back)`;

describe(HttpTokenClient.name, () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let slack: WebhookSink;
  let app: TestApp;
  let logs: LogCapture;

  beforeAll(async () => {
    database = await createTestDatabase();
    [zoho, slack] = await Promise.all([FakeOAuthProvider.start(), WebhookSink.start()]);
    app = await startTestApp({
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      SLACK_WEBHOOK_URL: slack.url,
      TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1',
    });
  });

  beforeEach(async () => {
    zoho.reset();
    slack.reset();
    await app.dataSource.query('TRUNCATE oauth_tokens, alert_outbox, oauth_connect_states');
    logs = captureLogs();
  });

  afterEach(() => logs.stop());

  afterAll(async () => {
    await app?.close();
    await Promise.all([zoho?.close(), slack?.close()]);
    await database?.drop();
  });

  it('leaves no fragment of a refresh token or the client secret echoed across the cut in the stored error, the API, the alert or the log', async () => {
    const refreshToken = `rt-${randomBytes(16).toString('hex')}`;
    const { clientId } = await seedToken(app, { refreshToken, expiresInMinutes: 5 });
    zoho.whenRefreshing(refreshToken, {
      status: 400,
      body: { error: 'invalid_client', error_description: `${straddling(refreshToken)} ${straddling(TEST_CLIENT_SECRET)}` },
    });

    const answer = await graphqlAsAdmin(app, CHECK_TOKEN_HEALTH, { clientId });
    const [alert] = await slack.waitFor(1);

    const stored = (await readToken(app, clientId)).health_check_error as string;
    expect(stored).toContain('[redacted]');
    for (const place of [stored, answer.text, alert.body, logs.text]) {
      expect(fragmentsOf(refreshToken, place)).toEqual([]);
      expect(fragmentsOf(TEST_CLIENT_SECRET, place)).toEqual([]);
    }
  });

  it.each([
    ['a 30-character prefix of the refresh token', (rt: string) => rt.slice(0, 30)],
    ['24 characters of the client secret', () => TEST_CLIENT_SECRET.slice(3, 27)],
    ['the refresh token upper-cased', (rt: string) => rt.toUpperCase()],
    ['the refresh token URL-encoded', (rt: string) => encodeURIComponent(`${rt}/=`)],
    ['the refresh token base64-encoded', (rt: string) => Buffer.from(`echo:${rt}`).toString('base64')],
    ['the refresh token split by invisible characters', (rt: string) => `${rt.slice(0, 16)}\u200b${rt.slice(16, 30)}\u0000${rt.slice(30)}`],
  ])('redacts partial echoes of secrets (%s) in the stored error, the API, the history, the alert and the log', async (_name, echo) => {
    const refreshToken = `1000.${randomBytes(16).toString('hex')}`;
    const { clientId } = await seedToken(app, { refreshToken, expiresInMinutes: 5 });
    zoho.whenRefreshing(refreshToken, { status: 400, body: { error: 'invalid_grant', error_description: `token ${echo(refreshToken)} is revoked` } });

    const answer = await graphqlAsAdmin(app, CHECK_TOKEN_HEALTH, { clientId });
    const history = await graphqlAsAdmin(app, HISTORY, { clientId, provider: 'zoho' });
    const [alert] = await slack.waitFor(1);

    const stored = (await readToken(app, clientId)).health_check_error as string;
    expect(stored).toMatch(/token .{0,8}\[redacted\].{0,8} is revoked/);
    expect(history.text).toContain('[redacted]');
    for (const place of [stored, answer.text, history.text, alert.body, logs.text]) {
      expect(fragmentsInAnyCase(refreshToken, place)).toEqual([]);
      expect(fragmentsInAnyCase(TEST_CLIENT_SECRET, place)).toEqual([]);
    }
  });

  it('shows a generic page when the code exchange fails, and logs the redacted detail', async () => {
    const link = app.get(ConnectLinkService).createLink('acme', 'zoho');
    const started = await request(httpServer(app))
      .get(new URL(link).pathname + new URL(link).search)
      .expect(302);
    const state = new URL(started.headers.location).searchParams.get('state')!;
    zoho.whenExchanging('code-1', { status: 400, body: { error: 'invalid_client', error_description: straddling(TEST_CLIENT_SECRET) } });

    const page = await request(httpServer(app)).get('/oauth/zoho/callback').query({ code: 'code-1', state });

    expect(page.status).toBe(502);
    expect(page.text).not.toContain('invalid_client');
    expect(page.text).not.toContain('xxxxxxxx');
    expect(logs.text).toMatch(/Code exchange at zoho failed: .*invalid_client/);
    expect(fragmentsOf(TEST_CLIENT_SECRET, page.text)).toEqual([]);
    expect(fragmentsOf(TEST_CLIENT_SECRET, logs.text)).toEqual([]);
  });
});
