// Issue 11, item 3: a stored token the service cannot decrypt (legacy plaintext, a removed
// key) is reported and alerted as `refresh_failed`, never sent anywhere, and can be replaced.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { ConnectLinkService } from '../src/connect/connect-link.service';
import { TokenUnreadableError } from '../src/oauth/oauth-token.errors';
import { OAuthTokenService } from '../src/oauth/oauth-token.service';
import { TokenCipher } from '../src/oauth/token-cipher';
import { TokenStatus } from '../src/oauth/token-status';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { findToken, readToken } from './factories/token.factory';
import { FakeOAuthProvider, zohoSuccess } from './support/fake-oauth-provider';
import { CHECK_TOKEN_HEALTH, graphqlAsAdmin, REGISTER } from './support/graphql-client';
import { captureLogs } from './support/log-capture';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { WebhookSink } from './support/webhook-sink';
import { useSecretScan } from './support/secret-scan';
import { httpServer } from './factories/http-server';

useSecretScan();

const UNREADABLE = 'stored token unreadable (re-register or re-connect)';
const LEGACY_ACCESS = '1000.legacy-plain-access-token';
const LEGACY_REFRESH = '1000.legacy-plain-refresh-token';

describe('A stored token the service cannot decrypt', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let slack: WebhookSink;
  let app: TestApp;

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
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([zoho?.close(), slack?.close()]);
    await database?.drop();
  });

  /** A row as the README's in-place upgrade leaves it: the host app's plaintext tokens. */
  const insertLegacyPlaintext = (clientId: string, expiresInMinutes = 24 * 60) =>
    app.dataSource.query(
      `INSERT INTO oauth_tokens (client_id, provider, access_token, refresh_token, token_expiry)
       VALUES ($1, 'zoho', $2, $3, now() + $4::float8 * interval '1 minute')`,
      [clientId, LEGACY_ACCESS, LEGACY_REFRESH, expiresInMinutes],
    );

  /** A row written under a key that has since been removed from the configuration. */
  const insertUnderRemovedKey = (clientId: string, expiresInMinutes: number) => {
    const removed = new TokenCipher(randomBytes(32));
    return app.dataSource.query(
      `INSERT INTO oauth_tokens (client_id, provider, access_token, refresh_token, token_expiry)
       VALUES ($1, 'zoho', $2, $3, now() + $4::float8 * interval '1 minute')`,
      [
        clientId,
        removed.encrypt('1000.old-access', { clientId, provider: 'zoho', column: 'access_token' }),
        removed.encrypt('1000.old-refresh', { clientId, provider: 'zoho', column: 'refresh_token' }),
        expiresInMinutes,
      ],
    );
  };

  it('marks a legacy plaintext token refresh_failed "stored token unreadable" on check, alerts it and counts it, without calling the provider', async () => {
    await insertLegacyPlaintext('legacy');

    const answer = await graphqlAsAdmin(app, CHECK_TOKEN_HEALTH, { clientId: 'legacy' });

    expect(answer.data?.checkTokenHealth).toEqual([expect.objectContaining({ status: 'REFRESH_FAILED', error: UNREADABLE })]);
    expect(zoho.requests).toHaveLength(0);
    const [alert] = await slack.waitFor(1);
    expect(alert.body).toContain('OAuth Token refresh_failed: legacy/zoho');
    expect(alert.body).toContain(UNREADABLE);
    const metrics = await request(httpServer(app)).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/oauth_token_unreadable_total\{provider="zoho"\} 1\b/);
  });

  it('marks a token under a removed key refresh_failed in a full cycle, even when it is due for a refresh, without calling the provider', async () => {
    await insertUnderRemovedKey('rotated-away', 5);

    await app.get(TokenHealthService).checkAndAlert();

    expect(await readToken(app, 'rotated-away')).toMatchObject({ token_status: TokenStatus.RefreshFailed, health_check_error: UNREADABLE });
    expect(zoho.requests).toHaveLength(0);
  });

  it('answers getAccessToken with a TokenUnreadableError and marks the token refresh_failed', async () => {
    await insertLegacyPlaintext('legacy');

    await expect(app.get(OAuthTokenService).getAccessToken('legacy', 'zoho')).rejects.toBeInstanceOf(TokenUnreadableError);

    expect(await readToken(app, 'legacy')).toMatchObject({ token_status: TokenStatus.RefreshFailed, health_check_error: UNREADABLE });
    expect(zoho.requests).toHaveLength(0);
  });

  it('lets registerOAuthToken replace an unreadable token, logging the replacement without any token', async () => {
    await insertLegacyPlaintext('legacy');
    const logs = captureLogs();

    const answer = await graphqlAsAdmin(app, REGISTER, {
      input: { clientId: 'legacy', provider: 'zoho', refreshToken: '1000.re-registered-refresh', accessToken: '1000.re-registered-access' },
    }).finally(() => logs.stop());

    expect(answer.errors).toBeUndefined();
    expect(answer.data?.registerOAuthToken).toMatchObject({ status: 'HEALTHY', error: null });
    await expect(app.get(OAuthTokenService).getAccessToken('legacy', 'zoho')).resolves.toBe('1000.re-registered-access');
    expect(logs.text).toMatch(/Replaced the unreadable stored token of legacy\/zoho/);
    for (const secret of [LEGACY_ACCESS, LEGACY_REFRESH, '1000.re-registered-refresh', '1000.re-registered-access']) {
      expect(logs.text).not.toContain(secret);
    }
  });

  it('commits nothing of a registration that fails part-way', async () => {
    // Any failure after the row is written (here: storing the verification's result) must undo the write.
    await app.dataSource.query(`
      CREATE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
      CREATE TRIGGER refuse_update BEFORE UPDATE ON oauth_tokens FOR EACH ROW WHEN (NEW.client_id = 'doomed') EXECUTE FUNCTION refuse_update();`);
    try {
      const answer = await graphqlAsAdmin(app, REGISTER, { input: { clientId: 'doomed', provider: 'zoho', refreshToken: '1000.doomed-refresh' } });

      expect(answer.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(await findToken(app, 'doomed')).toBeUndefined();
    } finally {
      await app.dataSource.query('DROP TRIGGER refuse_update ON oauth_tokens; DROP FUNCTION refuse_update();');
    }
  });

  it('lets the connect callback replace an unreadable token: the new refresh token is kept and nothing is revoked', async () => {
    await insertLegacyPlaintext('legacy');
    const link = app.get(ConnectLinkService).createLink('legacy', 'zoho');
    const started = await request(httpServer(app))
      .get(new URL(link).pathname + new URL(link).search)
      .expect(302);
    const state = new URL(started.headers.location).searchParams.get('state')!;
    zoho.whenExchanging('code-1', zohoSuccess('1000.connected-access', { refresh_token: '1000.connected-refresh' }));
    const logs = captureLogs();

    const page = await request(httpServer(app)).get('/oauth/zoho/callback').query({ code: 'code-1', state });
    logs.stop();

    expect(page.status).toBe(200);
    expect(await readToken(app, 'legacy')).toMatchObject({ token_status: TokenStatus.Healthy });
    zoho.whenRefreshing('1000.connected-refresh', zohoSuccess('1000.after-connect'));
    await app.dataSource.query(`UPDATE oauth_tokens SET token_expiry = now() - interval '1 minute' WHERE client_id = 'legacy'`);
    await expect(app.get(OAuthTokenService).getAccessToken('legacy', 'zoho')).resolves.toBe('1000.after-connect');
    expect(zoho.requestsTo('/oauth/v2/token/revoke')).toHaveLength(0);
    expect(logs.text).toMatch(/replaced zoho token of legacy was unreadable/);
    for (const secret of [LEGACY_ACCESS, LEGACY_REFRESH, '1000.connected-refresh', '1000.connected-access']) {
      expect(logs.text).not.toContain(secret);
    }
  });
});
