import { failureOf, json, Reply, startTokenEndpoint } from '../../../test/support/token-endpoint-server';
import { OAuthProviderErrorCode } from '../oauth-provider.error';
import { HttpTokenClient } from './http-token-client';
import { CodeExchangeRequest, RefreshRequest } from './oauth-provider';
import { ZohoProvider } from './zoho.provider';

const NOW = new Date('2025-03-01T12:00:00Z');
const REFRESH_TOKEN = '1000.refresh.secret-rt';
const CLIENT_SECRET = 'zoho-client-secret-42';
const CODE = '1000.code.secret-code';
const secondsAfterNow = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describe(ZohoProvider.name, () => {
  let server: Awaited<ReturnType<typeof startTokenEndpoint>>;
  let sut: ZohoProvider;

  const serve = async (reply: Reply) => {
    server = await startTokenEndpoint(reply);
  };
  const aRefreshRequest = (overrides: Partial<RefreshRequest> = {}): RefreshRequest => ({
    refreshToken: REFRESH_TOKEN,
    accountsServer: server.origin,
    credentials: { clientId: '1000.CLIENTID', clientSecret: CLIENT_SECRET },
    ...overrides,
  });
  const aCodeExchange = (): CodeExchangeRequest => ({
    code: CODE,
    redirectUri: 'https://app.example.com/connect/callback',
    accountsServer: server.origin,
    credentials: { clientId: '1000.CLIENTID', clientSecret: CLIENT_SECRET },
  });

  beforeEach(() => {
    const client = new HttpTokenClient({ timeoutMs: 2000, maxAttempts: 3, sleep: () => Promise.resolve() });
    sut = new ZohoProvider(client, () => NOW);
  });
  afterEach(() => server?.close());

  describe('refresh', () => {
    it('posts the refresh token and client credentials to /oauth/v2/token', async () => {
      await serve((res) => json(res, 200, { access_token: 'at', expires_in: 3600 }));

      await sut.refresh(aRefreshRequest());

      expect(server.requests).toEqual([
        {
          method: 'POST',
          path: '/oauth/v2/token',
          contentType: 'application/x-www-form-urlencoded',
          form: { grant_type: 'refresh_token', refresh_token: REFRESH_TOKEN, client_id: '1000.CLIENTID', client_secret: CLIENT_SECRET },
        },
      ]);
    });

    it('returns an access token expiring 3600 s from now and no refresh token when Zoho sends none', async () => {
      await serve((res) => json(res, 200, { access_token: 'at', api_domain: 'https://www.zohoapis.eu', token_type: 'Bearer', expires_in: 3600 }));

      const tokens = await sut.refresh(aRefreshRequest());

      expect(tokens).toStrictEqual({ accessToken: 'at', accessTokenExpiresAt: secondsAfterNow(3600), apiDomain: 'https://www.zohoapis.eu' });
    });

    it('leaves apiDomain unset when Zoho omits api_domain', async () => {
      await serve((res) => json(res, 200, { access_token: 'at', expires_in: 3600 }));

      expect((await sut.refresh(aRefreshRequest())).apiDomain).toBeUndefined();
    });

    it('prefers expires_in_sec over the millisecond expires_in of legacy answers', async () => {
      await serve((res) => json(res, 200, { access_token: 'at', expires_in_sec: 3600, expires_in: 3600000 }));

      expect((await sut.refresh(aRefreshRequest())).accessTokenExpiresAt).toEqual(secondsAfterNow(3600));
    });

    it('returns the refresh token when the answer carries one', async () => {
      await serve((res) => json(res, 200, { access_token: 'at', expires_in: 3600, refresh_token: 'rotated' }));

      expect((await sut.refresh(aRefreshRequest())).refreshToken).toBe('rotated');
    });

    it('sets refreshTokenExpiresAt from refresh_token_expires_in', async () => {
      await serve((res) => json(res, 200, { access_token: 'at', expires_in: 3600, refresh_token_expires_in: 86400 }));

      expect((await sut.refresh(aRefreshRequest())).refreshTokenExpiresAt).toEqual(secondsAfterNow(86400));
    });

    it('reports invalid_code in a 200 answer as a dead grant without retrying', async () => {
      await serve((res) => json(res, 200, { error: 'invalid_code' }));

      const error = await failureOf(sut.refresh(aRefreshRequest()));

      expect(error.code).toBe(OAuthProviderErrorCode.DeadGrant);
      expect(error.message).toContain('invalid_code');
      expect(server.requests).toHaveLength(1);
    });

    it('reports a 400 invalid_grant as a dead grant', async () => {
      await serve((res) => json(res, 400, { error: 'invalid_grant' }));

      expect((await failureOf(sut.refresh(aRefreshRequest()))).code).toBe(OAuthProviderErrorCode.DeadGrant);
    });

    it.each(['invalid_client', 'invalid_client_secret'])('reports %s as a configuration error naming the app credentials', async (code) => {
      await serve((res) => json(res, 200, { error: code }));

      const error = await failureOf(sut.refresh(aRefreshRequest()));

      expect(error.code).toBe(OAuthProviderErrorCode.Configuration);
      expect(error.message).toContain('check the OAuth app credentials');
    });

    it('reports the Access Denied throttle as throttled without retrying', async () => {
      await serve((res) =>
        json(res, 200, {
          error: 'Access Denied',
          error_description: 'You have made too many requests continuously. Please try again after some time.',
        }),
      );

      const error = await failureOf(sut.refresh(aRefreshRequest()));

      expect(error.code).toBe(OAuthProviderErrorCode.Throttled);
      expect(error.message).toContain('throttling');
      expect(server.requests).toHaveLength(1);
    });

    it('reports an unknown error string as transient', async () => {
      await serve((res) => json(res, 200, { error: 'something_new' }));

      expect((await failureOf(sut.refresh(aRefreshRequest()))).code).toBe(OAuthProviderErrorCode.Transient);
    });

    it('reports an answer without access_token as transient', async () => {
      await serve((res) => json(res, 200, { token_type: 'Bearer' }));

      expect((await failureOf(sut.refresh(aRefreshRequest()))).message).toContain('malformed response');
    });

    it('retries a 500 and returns the later success', async () => {
      await serve((res, attempt) => (attempt === 1 ? json(res, 500, {}) : json(res, 200, { access_token: 'at', expires_in: 3600 })));

      expect((await sut.refresh(aRefreshRequest())).accessToken).toBe('at');
      expect(server.requests).toHaveLength(2);
    });
  });

  describe('exchangeCode', () => {
    it('posts the code and redirect URI and returns the issued refresh token', async () => {
      await serve((res) => json(res, 200, { access_token: 'at', refresh_token: 'rt', expires_in: 3600 }));

      const tokens = await sut.exchangeCode(aCodeExchange());

      expect(server.requests[0].form).toEqual({
        grant_type: 'authorization_code',
        code: CODE,
        redirect_uri: 'https://app.example.com/connect/callback',
        client_id: '1000.CLIENTID',
        client_secret: CLIENT_SECRET,
      });
      expect(tokens.refreshToken).toBe('rt');
    });

    it('reports a used or bad code as a dead grant', async () => {
      await serve((res) => json(res, 200, { error: 'invalid_code' }));

      expect((await failureOf(sut.exchangeCode(aCodeExchange()))).code).toBe(OAuthProviderErrorCode.DeadGrant);
    });
  });

  describe('error messages', () => {
    // The worst case: Zoho quotes back everything it was sent.
    const echo = () => new URLSearchParams(server.requests[server.requests.length - 1].form).toString();
    const failures: [string, Reply][] = [
      ['invalid_code', (res) => json(res, 200, { error: 'invalid_code', error_description: echo() })],
      ['invalid_client', (res) => json(res, 400, { error: 'invalid_client', error_description: echo() })],
      ['a 500', (res) => json(res, 500, { error: 'server_error', error_description: echo() })],
      ['an HTML page', (res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<p>${echo()}</p>`)],
      ['a reset', (res) => res.socket?.destroy()],
      ['a timeout', () => undefined],
    ];

    it.each(failures)('never contain the refresh token, client secret or code after %s', async (_name, reply) => {
      await serve(reply);

      const messages = [(await failureOf(sut.refresh(aRefreshRequest()))).message, (await failureOf(sut.exchangeCode(aCodeExchange()))).message];

      for (const message of messages) {
        expect(message).not.toContain(REFRESH_TOKEN);
        expect(message).not.toContain(CLIENT_SECRET);
        expect(message).not.toContain(CODE);
      }
    });
  });

  describe('authorizeUrl', () => {
    it('asks for an offline, consented grant with comma-joined scopes', () => {
      const url = new URL(
        sut.authorizeUrl({
          accountsServer: 'https://accounts.zoho.eu/',
          clientId: '1000.CLIENTID',
          redirectUri: 'https://app.example.com/connect/callback',
          scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.settings.READ'],
          state: 'signed-state',
        }),
      );

      expect(`${url.origin}${url.pathname}`).toBe('https://accounts.zoho.eu/oauth/v2/auth');
      expect(Object.fromEntries(url.searchParams)).toEqual({
        response_type: 'code',
        client_id: '1000.CLIENTID',
        scope: 'ZohoCRM.modules.ALL,ZohoCRM.settings.READ',
        redirect_uri: 'https://app.example.com/connect/callback',
        access_type: 'offline',
        prompt: 'consent',
        state: 'signed-state',
      });
    });
  });

  describe('revoke', () => {
    it('posts the refresh token to /oauth/v2/token/revoke', async () => {
      await serve((res) => json(res, 200, { status: 'success' }));

      await sut.revoke(aRefreshRequest());

      expect(server.requests).toEqual([
        {
          method: 'POST',
          path: `/oauth/v2/token/revoke?token=${encodeURIComponent(REFRESH_TOKEN)}`,
          contentType: 'application/x-www-form-urlencoded',
          form: {},
        },
      ]);
    });

    it('resolves when Zoho answers with an error', async () => {
      await serve((res) => json(res, 500, { error: 'server_error' }));

      await expect(sut.revoke(aRefreshRequest())).resolves.toBeUndefined();
    });

    it('resolves when the accounts server is down', async () => {
      await serve(() => undefined);
      await server.close();

      await expect(sut.revoke(aRefreshRequest())).resolves.toBeUndefined();
    });
  });
});

describe(`${ZohoProvider.name} (error wording and URLs)`, () => {
  let server: Awaited<ReturnType<typeof startTokenEndpoint>>;
  const sut = new ZohoProvider(new HttpTokenClient({ timeoutMs: 2000, maxAttempts: 1, sleep: () => Promise.resolve() }), () => NOW);
  const refresh = (accountsServer = server.origin) =>
    sut.refresh({ refreshToken: REFRESH_TOKEN, accountsServer, credentials: { clientId: '1000.CLIENTID', clientSecret: CLIENT_SECRET } });

  afterEach(() => server?.close());

  it('is the provider named zoho', () => {
    expect(sut.name).toBe('zoho');
  });

  it('says an unknown error string is unrecognised and quotes it', async () => {
    server = await startTokenEndpoint((res) => json(res, 200, { error: 'something_new', error_description: 'details' }));

    const error = await failureOf(refresh());

    expect(error.message).toBe(
      `POST ${server.origin}/oauth/v2/token answered HTTP 200: Zoho answered an unrecognised error (something_new: details)`,
    );
  });

  it('drops every trailing slash of the accounts server', async () => {
    server = await startTokenEndpoint((res) => json(res, 200, { access_token: 'at' }));

    await refresh(`${server.origin}//`);

    expect(server.requests[0].path).toBe('/oauth/v2/token');
  });
});
