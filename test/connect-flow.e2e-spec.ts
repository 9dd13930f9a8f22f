import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { ConnectFlowService } from '../src/connect/connect-flow.service';
import { ConnectLinkService } from '../src/connect/connect-link.service';
import { OAuthTokenService } from '../src/oauth/oauth-token.service';
import { SignedTokenCodec } from '../src/connect/signed-token';
import { TokenStatus } from '../src/oauth/token-status';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { findToken, readToken, seedToken } from './factories/token.factory';
import { FakeOAuthProvider, zohoSuccess } from './support/fake-oauth-provider';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TEST_CLIENT_SECRET, TestApp } from './support/test-app';
import { WebhookSink } from './support/webhook-sink';
import { useSecretScan } from './support/secret-scan';
import { httpServer } from './factories/http-server';

useSecretScan();

const PUBLIC_BASE_URL = 'https://token-health.example.test';
const TOKEN_PATH = '/oauth/v2/token';

describe(ConnectFlowService.name, () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let evil: FakeOAuthProvider;
  let slack: WebhookSink;
  let app: TestApp;

  const http = () => request(httpServer(app));
  const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;
  const linkFor = (clientId: string, now?: Date) => app.get(ConnectLinkService).createLink(clientId, 'zoho', now);
  const callback = (query: Record<string, string>) => http().get('/oauth/zoho/callback').query(query);
  const liveStates = async () =>
    Number((await app.dataSource.query('SELECT count(*) AS n FROM oauth_connect_states WHERE consumed_at IS NULL AND expires_at > now()'))[0].n);
  /** The claims inside a state issued by the app (its nonce is the one stored). */
  const claimsOf = (state: string) => {
    const body = JSON.parse(Buffer.from(state.split('.')[0], 'base64url').toString());
    return { clientId: body.c as string, provider: body.p as string, nonce: body.n as string };
  };
  const stateCount = async () => Number((await app.dataSource.query('SELECT count(*) AS n FROM oauth_connect_states'))[0].n);

  /** Follows a connect link to the provider's authorize page; returns the issued state. */
  const startConnect = async (clientId: string): Promise<string> => {
    const response = await http()
      .get(pathOf(linkFor(clientId)))
      .expect(302);
    return new URL(response.headers.location).searchParams.get('state')!;
  };
  const exchangeable = (code: string, refreshToken = `1000.new-refresh.${randomBytes(6).toString('hex')}`) => {
    zoho.whenExchanging(code, zohoSuccess('1000.new-access', { refresh_token: refreshToken }));
    return refreshToken;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    [zoho, evil, slack] = await Promise.all([FakeOAuthProvider.start(), FakeOAuthProvider.start(), WebhookSink.start()]);
    app = await startTestApp({
      DATABASE_URL: database.url,
      PUBLIC_BASE_URL,
      ZOHO_ACCOUNTS_URL: zoho.url,
      SLACK_WEBHOOK_URL: slack.url,
    });
  });

  beforeEach(async () => {
    zoho.reset();
    evil.reset();
    slack.reset();
    await app.dataSource.query('TRUNCATE oauth_tokens, alert_outbox, oauth_connect_states, oauth_connect_completions');
  });

  afterAll(async () => {
    await app.close();
    await Promise.all([zoho.close(), evil.close(), slack.close()]);
    await database.drop();
  });

  it('connects a client from link to stored healthy token, with the refresh token encrypted', async () => {
    const connect = await http()
      .get(pathOf(linkFor('acme')))
      .expect(302);
    const authorize = new URL(connect.headers.location);
    expect(authorize.origin + authorize.pathname).toBe(`${zoho.url}/oauth/v2/auth`);
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'zoho-client-id',
      scope: 'ZohoCRM.modules.ALL,ZohoCalendar.calendar.ALL',
      redirect_uri: `${PUBLIC_BASE_URL}/oauth/zoho/callback`,
      access_type: 'offline',
      prompt: 'consent',
      state: expect.any(String),
    });
    const refreshToken = exchangeable('code-acme', '1000.acme-refresh');

    const response = await callback({ code: 'code-acme', state: authorize.searchParams.get('state')! }).expect(200);

    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toContain('Connected');
    expect(response.text).not.toMatch(/code-acme|1000\.acme-refresh|1000\.new-access|state=/);
    const [exchange] = zoho.requestsTo(TOKEN_PATH);
    expect(Object.fromEntries(exchange.form)).toEqual({
      grant_type: 'authorization_code',
      code: 'code-acme',
      redirect_uri: `${PUBLIC_BASE_URL}/oauth/zoho/callback`,
      client_id: 'zoho-client-id',
      client_secret: TEST_CLIENT_SECRET,
    });
    const row = await readToken(app, 'acme');
    expect(row).toMatchObject({ token_status: TokenStatus.Healthy, health_check_error: null, accounts_server: zoho.url });
    expect(row.refresh_token).toMatch(/^v2:/);
    expect(row.refresh_token).not.toContain(refreshToken);
    expect(row.access_token).toMatch(/^v2:/);
    expect(row.last_refreshed_at).not.toBeNull();
  });

  it('answers an expired link with 400 and issues no state', async () => {
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000);

    const response = await http()
      .get(pathOf(linkFor('acme', eightDaysAgo)))
      .expect(400);

    expect(response.text).toContain('expired');
    expect(await stateCount()).toBe(0);
  });

  it('answers a tampered link with 400', async () => {
    const link = new URL(linkFor('acme')).searchParams.get('link')!;
    const [payload, signature] = link.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = `${Buffer.from(JSON.stringify({ ...claims, c: 'victim' })).toString('base64url')}.${signature}`;

    await http().get('/oauth/zoho/connect').query({ link: tampered }).expect(400);
    await http().get('/oauth/zoho/connect').expect(400);
    expect(await stateCount()).toBe(0);
  });

  it("answers a link signed for another provider with 400 on this provider's path, and issues no state", async () => {
    // Signed for "other", used at /oauth/zoho/connect: zoho exists, so only the provider check can refuse it.
    const otherLink = app.get(ConnectLinkService).createLink('acme', 'other');

    await http().get(pathOf(otherLink).replace('/other/', '/zoho/')).expect(400);

    expect(await stateCount()).toBe(0);
  });

  it('answers a link used for another provider path with 400', async () => {
    await http()
      .get(pathOf(linkFor('acme')).replace('/zoho/', '/other/'))
      .expect(400);
  });

  it('rejects a state whose signed expiry has passed, though its stored nonce is still live', async () => {
    const live = await startConnect('acme');
    const pastState = app.get(SignedTokenCodec).sign('oauth-state', claimsOf(live), new Date(Date.now() - 1000));
    exchangeable('code-1');

    const response = await callback({ code: 'code-1', state: pastState }).expect(400);

    expect(response.text).toContain('expired');
    expect(zoho.requestsTo(TOKEN_PATH)).toHaveLength(0);
    expect(await findToken(app, 'acme')).toBeUndefined();
    expect(await liveStates()).toBe(1);
  });

  it('rejects a correctly signed state whose stored nonce has expired', async () => {
    const state = await startConnect('acme');
    await app.dataSource.query(`UPDATE oauth_connect_states SET expires_at = now() - interval '1 second'`);
    exchangeable('code-1');

    await callback({ code: 'code-1', state }).expect(400);

    expect(zoho.requestsTo(TOKEN_PATH)).toHaveLength(0);
    expect(await findToken(app, 'acme')).toBeUndefined();
  });

  it('rejects a replayed state the second time, after exactly one exchange', async () => {
    const state = await startConnect('acme');
    exchangeable('code-1');

    await callback({ code: 'code-1', state }).expect(200);
    const replay = await callback({ code: 'code-1', state }).expect(400);

    expect(replay.text).toContain('already been used');
    expect(zoho.requestsTo(TOKEN_PATH)).toHaveLength(1);
  });

  it('rejects a state signed with another key, though its nonce is stored and live', async () => {
    const live = await startConnect('acme');
    const forged = new SignedTokenCodec(randomBytes(32)).sign('oauth-state', claimsOf(live), new Date(Date.now() + 60_000));
    exchangeable('code-1');

    await callback({ code: 'code-1', state: forged }).expect(400);

    expect(zoho.requestsTo(TOKEN_PATH)).toHaveLength(0);
    expect(await findToken(app, 'acme')).toBeUndefined();
    expect(await liveStates()).toBe(1);
  });

  it('rejects a callback without a state', async () => {
    exchangeable('code-1');

    await callback({ code: 'code-1' }).expect(400);

    expect(zoho.requestsTo(TOKEN_PATH)).toHaveLength(0);
  });

  it('refuses an accounts-server outside the allowlist and sends it nothing', async () => {
    const state = await startConnect('acme');
    evil.whenExchanging('code-1', zohoSuccess('evil-access', { refresh_token: 'evil-refresh' }));

    const response = await callback({ code: 'code-1', state, 'accounts-server': evil.url, location: 'us' }).expect(400);

    expect(response.text).toContain('does not trust');
    expect(evil.requests).toHaveLength(0);
    expect(zoho.requests).toHaveLength(0);
    expect(await findToken(app, 'acme')).toBeUndefined();
  });

  it('accepts an accounts-server equal to ZOHO_ACCOUNTS_URL', async () => {
    const state = await startConnect('acme');
    exchangeable('code-1');

    await callback({ code: 'code-1', state, 'accounts-server': `${zoho.url}/`, location: 'us' }).expect(200);

    expect((await readToken(app, 'acme')).accounts_server).toBe(zoho.url);
  });

  it('shows a clear page when the user denies access, and stores nothing', async () => {
    const state = await startConnect('acme');

    const response = await callback({ error: 'access_denied', state }).expect(400);

    expect(response.text).toContain('Access not granted');
    expect(zoho.requests).toHaveLength(0);
    expect(await findToken(app, 'acme')).toBeUndefined();
  });

  it('escapes what it echoes from the query', async () => {
    const state = await startConnect('acme');

    const response = await callback({ error: '<script>alert(1)</script>', state }).expect(400);

    expect(response.text).not.toContain('<script>');
    expect(response.text).toContain('&lt;script&gt;');
  });

  it('answers 502 when the provider refuses the code, and stores nothing', async () => {
    const state = await startConnect('acme');

    await callback({ code: 'unknown-code', state }).expect(502);

    expect(await findToken(app, 'acme')).toBeUndefined();
  });

  it('re-connects an invalid token: healthy, old refresh token revoked, one resolved notice from the next cycle', async () => {
    const { refreshToken: oldRefreshToken } = await seedToken(app, { clientId: 'acme', status: TokenStatus.Invalid });
    await app.dataSource.query(
      `UPDATE oauth_tokens SET last_alert_status = 'invalid', last_alerted_at = now(), health_check_error = 'dead' WHERE client_id = 'acme'`,
    );
    const state = await startConnect('acme');
    const newRefreshToken = exchangeable('code-1');

    await callback({ code: 'code-1', state }).expect(200);
    expect(await readToken(app, 'acme')).toMatchObject({ token_status: TokenStatus.Healthy, health_check_error: null });
    // The alert state is derived from the stored status by the cycle's alert scan, not by the connect flow.
    await app.get(TokenHealthService).runScheduledCheck();

    const row = await readToken(app, 'acme');
    expect(row).toMatchObject({ token_status: TokenStatus.Healthy, health_check_error: null, last_alert_status: null });
    const revokes = zoho.requestsTo(`${TOKEN_PATH}/revoke`);
    expect(revokes.map((r) => r.query.get('token'))).toEqual([oldRefreshToken]);
    expect(revokes[0].query.get('token')).not.toBe(newRefreshToken);
    const [notice] = await slack.waitFor(1);
    expect(JSON.stringify(notice.json)).toMatch(/Resolved/);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(slack.requests).toHaveLength(1);
  });

  it('records the repair in the history as a transition made by the connect flow', async () => {
    await seedToken(app, { clientId: 'acme', status: TokenStatus.Invalid });
    const state = await startConnect('acme');
    exchangeable('code-2');

    await callback({ code: 'code-2', state }).expect(200);

    const [event] = await app.dataSource.query(
      "SELECT from_status, to_status, source FROM token_health_events WHERE client_id = 'acme' ORDER BY id DESC LIMIT 1",
    );
    expect(event).toEqual({ from_status: TokenStatus.Invalid, to_status: TokenStatus.Healthy, source: 'connect' });
  });

  it('puts a working connect link into alert messages', async () => {
    await seedToken(app, { clientId: 'acme', refreshToken: null });
    await app.get(TokenHealthService).checkAndAlert({ clientId: 'acme' });

    const [alert] = await slack.waitFor(1);
    const actions = (alert.json as { blocks: { type: string; elements?: { url?: string }[] }[] }).blocks.find((b) => b.type === 'actions');
    const link = actions!.elements![0].url!;
    expect(link.startsWith(`${PUBLIC_BASE_URL}/oauth/zoho/connect?link=`)).toBe(true);
    expect(JSON.stringify(alert.json)).toContain(link);

    const response = await http().get(pathOf(link)).expect(302);

    expect(response.headers.location.startsWith(`${zoho.url}/oauth/v2/auth?`)).toBe(true);
  });

  describe('a connect link stays usable for its whole 7 days after a successful connect', () => {
    /** Follows `link` to the provider and back with a code that issues `accessToken`; answers the callback. */
    const connectThrough = async (link: string, accessToken: string) => finish(await stateFrom(link), accessToken);
    const stateFrom = async (link: string) => {
      const response = await http().get(pathOf(link)).expect(302);
      return new URL(response.headers.location).searchParams.get('state')!;
    };
    const finish = (state: string, accessToken: string) => {
      zoho.whenExchanging(`code-${accessToken}`, zohoSuccess(accessToken, { refresh_token: `1000.refresh-of-${accessToken}` }));
      return callback({ code: `code-${accessToken}`, state });
    };

    it('refuses the link once a connect through it completed, and issues no state', async () => {
      const link = linkFor('acme');
      expect((await connectThrough(link, '1000.access-first')).status).toBe(200);
      const states = await stateCount();

      const again = await http().get(pathOf(link));

      expect(again.status).toBe(400);
      expect(again.text).toContain('already been used');
      expect(await stateCount()).toBe(states);
      expect(await app.get(OAuthTokenService).getAccessToken('acme', 'zoho')).toBe('1000.access-first');
    });

    it('keeps an unused link from an old alert working until the connection is re-authorized, then refuses it', async () => {
      const fromOldAlert = linkFor('acme', new Date(Date.now() - 24 * 3600_000));
      await stateFrom(fromOldAlert);

      expect((await connectThrough(linkFor('acme'), '1000.access-owner')).status).toBe(200);

      expect((await http().get(pathOf(fromOldAlert))).status).toBe(400);
      await stateFrom(linkFor('acme'));
    });

    it('lets only one of two sign-ins begun from the same link store its token', async () => {
      const link = linkFor('acme');
      const [ownerState, attackerState] = [await stateFrom(link), await stateFrom(link)];

      expect((await finish(ownerState, '1000.access-owner')).status).toBe(200);
      const attacker = await finish(attackerState, '1000.access-attacker');

      expect(attacker.status).toBe(400);
      expect(attacker.text).toContain('already been used');
      expect(await app.get(OAuthTokenService).getAccessToken('acme', 'zoho')).toBe('1000.access-owner');
    });
  });

  describe('connect and callback pages can be framed', () => {
    const expectUnframeable = (headers: Record<string, string>) => {
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(headers['content-security-policy']).toContain("default-src 'none'");
      expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    };

    it('forbids framing the connect redirect, its error page, and the callback pages', async () => {
      const redirect = await http()
        .get(pathOf(linkFor('acme')))
        .expect(302);
      const badLink = await http().get('/oauth/zoho/connect?link=garbage').expect(400);
      const badState = await callback({ code: 'x', state: 'garbage' }).expect(400);
      const state = new URL(redirect.headers.location).searchParams.get('state')!;
      exchangeable('code-framed');
      const connected = await callback({ code: 'code-framed', state }).expect(200);

      for (const response of [redirect, badLink, badState, connected]) expectUnframeable(response.headers);
    });

    it("lets the page's own style through its CSP by hash", async () => {
      const page = await http().get('/oauth/zoho/connect?link=garbage').expect(400);
      const style = /<style>([^<]*)<\/style>/.exec(page.text)![1];
      const hash = createHash('sha256').update(style).digest('base64');

      expect(page.headers['content-security-policy']).toContain(`style-src 'sha256-${hash}'`);
    });
  });
});
