import { failureOf, json, Reply, startTokenEndpoint } from '../../../test/support/token-endpoint-server';
import { OAuthProviderErrorCode } from '../oauth-provider.error';
import { GenericOAuth2Provider } from './generic-oauth2.provider';
import { ProviderDefinition } from './provider-definition';
import { HttpTokenClient } from './http-token-client';
import { RefreshRequest } from './oauth-provider';

const NOW = new Date('2025-03-01T12:00:00Z');
const CREDENTIALS = { clientId: 'client-1', clientSecret: 'client-secret-1' };
const secondsAfterNow = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describe(GenericOAuth2Provider.name, () => {
  let server: Awaited<ReturnType<typeof startTokenEndpoint>>;

  const client = new HttpTokenClient({ timeoutMs: 500, maxAttempts: 2, sleep: () => Promise.resolve() });
  const definitionWith = (overrides: Partial<ProviderDefinition> = {}): ProviderDefinition => ({
    name: 'acme',
    title: 'Acme',
    authorizeUrl: 'https://id.acme.test/oauth2/authorize',
    tokenUrl: `${server?.origin}/oauth2/token`,
    revokeUrl: `${server?.origin}/oauth2/revoke`,
    requiredScopes: [],
    scopeSeparator: ' ',
    authorizeParams: {},
    clientAuth: 'client_secret_post',
    errorRules: [],
    ...overrides,
  });
  const providerWith = (overrides: Partial<ProviderDefinition> = {}) => new GenericOAuth2Provider(definitionWith(overrides), client, () => NOW);
  const aRefreshRequest = (overrides: Partial<RefreshRequest> = {}): RefreshRequest => ({
    refreshToken: 'old-refresh-token',
    accountsServer: server.origin,
    credentials: CREDENTIALS,
    ...overrides,
  });
  const serve = async (reply: Reply) => {
    server = await startTokenEndpoint(reply);
  };

  afterEach(() => server?.close());

  it('is registered under the name it was given', () => {
    expect(providerWith().name).toBe('acme');
  });

  describe('refresh', () => {
    it('posts a refresh_token grant with client_secret_post credentials to the token path', async () => {
      await serve((res) => json(res, 200, { access_token: 'at', expires_in: 3600 }));
      const sut = providerWith();

      await sut.refresh(aRefreshRequest());

      expect(server.requests).toEqual([
        {
          method: 'POST',
          path: '/oauth2/token',
          contentType: 'application/x-www-form-urlencoded',
          form: { grant_type: 'refresh_token', refresh_token: 'old-refresh-token', client_id: 'client-1', client_secret: 'client-secret-1' },
        },
      ]);
    });

    it('returns the rotated refresh token and its expiry', async () => {
      await serve((res) =>
        json(res, 200, { access_token: 'at', expires_in: 3600, refresh_token: 'new-refresh-token', refresh_token_expires_in: 7200 }),
      );
      const sut = providerWith();

      const tokens = await sut.refresh(aRefreshRequest());

      expect(tokens).toStrictEqual({
        accessToken: 'at',
        accessTokenExpiresAt: secondsAfterNow(3600),
        refreshToken: 'new-refresh-token',
        refreshTokenExpiresAt: secondsAfterNow(7200),
      });
    });

    it('returns no refresh token when the provider does not rotate it', async () => {
      await serve((res) => json(res, 200, { access_token: 'at', expires_in: 3600 }));
      const sut = providerWith();

      expect((await sut.refresh(aRefreshRequest())).refreshToken).toBeUndefined();
    });

    it('reports an unknown access token lifetime as a null expiry', async () => {
      await serve((res) => json(res, 200, { access_token: 'at' }));
      const sut = providerWith();

      expect((await sut.refresh(aRefreshRequest())).accessTokenExpiresAt).toBeNull();
    });

    it('reports a 400 invalid_grant as a dead grant', async () => {
      await serve((res) => json(res, 400, { error: 'invalid_grant', error_description: 'Token has been revoked' }));
      const sut = providerWith();

      const error = await failureOf(sut.refresh(aRefreshRequest()));

      expect(error.code).toBe(OAuthProviderErrorCode.DeadGrant);
      expect(error.message).toContain('invalid_grant: Token has been revoked');
    });

    it.each(['invalid_client', 'unauthorized_client'])('reports %s as a configuration error', async (code) => {
      await serve((res) => json(res, 401, { error: code }));
      const sut = providerWith();

      const error = await failureOf(sut.refresh(aRefreshRequest()));

      expect(error.code).toBe(OAuthProviderErrorCode.Configuration);
      expect(error.message).toContain('check the OAuth app credentials');
    });

    it('reports any other error code as transient', async () => {
      await serve((res) => json(res, 400, { error: 'invalid_request' }));
      const sut = providerWith();

      expect((await failureOf(sut.refresh(aRefreshRequest()))).code).toBe(OAuthProviderErrorCode.Transient);
    });

    it('reports a 200 answer without access_token as a transient malformed response', async () => {
      await serve((res) => json(res, 200, { token_type: 'Bearer' }));
      const sut = providerWith();

      const error = await failureOf(sut.refresh(aRefreshRequest()));

      expect(error.code).toBe(OAuthProviderErrorCode.Transient);
      expect(error.message).toContain('malformed response');
    });
  });

  describe('exchangeCode', () => {
    it('posts an authorization_code grant with the redirect URI', async () => {
      await serve((res) => json(res, 200, { access_token: 'at', refresh_token: 'rt', expires_in: 3600 }));
      const sut = providerWith();

      const tokens = await sut.exchangeCode({
        code: 'the-code',
        redirectUri: 'https://app/cb',
        accountsServer: server.origin,
        credentials: CREDENTIALS,
      });

      expect(server.requests[0].form).toEqual({
        grant_type: 'authorization_code',
        code: 'the-code',
        redirect_uri: 'https://app/cb',
        client_id: 'client-1',
        client_secret: 'client-secret-1',
      });
      expect(tokens.refreshToken).toBe('rt');
    });
  });

  describe('authorizeUrl', () => {
    it('builds a code request with space-joined scopes on the authorize path', () => {
      const sut = providerWith();

      const url = new URL(
        sut.authorizeUrl({
          accountsServer: 'https://id.acme.test/',
          clientId: 'client-1',
          redirectUri: 'https://app/cb',
          scopes: ['read', 'write'],
          state: 's1',
        }),
      );

      expect(`${url.origin}${url.pathname}`).toBe('https://id.acme.test/oauth2/authorize');
      expect(Object.fromEntries(url.searchParams)).toEqual({
        response_type: 'code',
        client_id: 'client-1',
        redirect_uri: 'https://app/cb',
        scope: 'read write',
        state: 's1',
      });
    });
  });

  describe('definition data', () => {
    const anAuthorizeRequest = {
      accountsServer: 'https://ignored.test',
      clientId: 'client-1',
      redirectUri: 'https://app/cb',
      scopes: ['a', 'b'],
      state: 's1',
    };

    it('adds the required scopes and extra authorize parameters, joined with the separator', () => {
      const sut = providerWith({
        authorizeUrl: 'https://login.example.test/tenant-1/authorize?existing=1',
        requiredScopes: ['offline_access', 'a'],
        scopeSeparator: ',',
        authorizeParams: { access_type: 'offline', prompt: 'consent' },
      });

      const url = new URL(sut.authorizeUrl(anAuthorizeRequest));

      expect(`${url.origin}${url.pathname}`).toBe('https://login.example.test/tenant-1/authorize');
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        existing: '1',
        scope: 'a,b,offline_access',
        access_type: 'offline',
        prompt: 'consent',
      });
    });

    it('leaves out an authorize parameter whose value is empty', () => {
      const sut = providerWith({
        authorizeUrl: 'https://login.example.test/authorize?prompt=login',
        authorizeParams: { prompt: '', access_type: 'offline' },
      });

      const url = new URL(sut.authorizeUrl(anAuthorizeRequest));

      expect(url.searchParams.getAll('prompt')).toEqual(['login']);
      expect(url.searchParams.get('access_type')).toBe('offline');
    });

    it('sends no scope parameter when there is no scope to ask for', () => {
      const sut = providerWith();

      const url = new URL(sut.authorizeUrl({ ...anAuthorizeRequest, scopes: [] }));

      expect(url.searchParams.has('scope')).toBe(false);
    });

    it('sends client_secret_basic credentials in the Authorization header, not in the form', async () => {
      let authorization: string | undefined;
      await serve((res) => json(res, 200, { access_token: 'at' }));
      server.onHeaders = (headers) => (authorization = headers.authorization);
      const sut = providerWith({ clientAuth: 'client_secret_basic' });

      await sut.refresh(aRefreshRequest({ credentials: { clientId: 'id:1', clientSecret: 's&cret' } }));

      expect(server.requests[0].form).toEqual({ grant_type: 'refresh_token', refresh_token: 'old-refresh-token' });
      expect(authorization).toBe(`Basic ${Buffer.from('id%3A1:s%26cret').toString('base64')}`);
    });

    it('never puts the basic credentials into an error message, even when the provider echoes them', async () => {
      let echoed = '';
      await serve((res) => json(res, 400, { error: 'invalid_client', error_description: echoed }));
      server.onHeaders = (headers) => (echoed = `got ${headers.authorization} for s&cret`);
      const sut = providerWith({ clientAuth: 'client_secret_basic' });

      const error = await failureOf(sut.refresh(aRefreshRequest({ credentials: { clientId: 'id-1', clientSecret: 's&cret' } })));

      expect(error.message).toContain('invalid_client');
      expect(error.message).not.toContain('s&cret');
      expect(error.message).not.toContain(Buffer.from('id-1:s%26cret').toString('base64'));
    });

    it('reads the API host from the field the definition names', async () => {
      await serve((res) => json(res, 200, { access_token: 'at', instance_url: 'https://eu1.my.example.test' }));
      const sut = providerWith({ apiDomainField: 'instance_url' });

      expect((await sut.refresh(aRefreshRequest())).apiDomain).toBe('https://eu1.my.example.test');
    });

    it("applies the definition's error rules before the RFC 6749 defaults", async () => {
      await serve((res) => json(res, 400, { error: 'invalid_grant', error_description: 'ip restricted' }));
      const sut = providerWith({
        errorRules: [{ verdict: OAuthProviderErrorCode.Configuration, error: ['invalid_grant'], description: /ip restricted/, reason: 'policy' }],
      });

      expect((await failureOf(sut.refresh(aRefreshRequest()))).code).toBe(OAuthProviderErrorCode.Configuration);
    });
  });

  describe('revoke', () => {
    it('posts the refresh token with its type hint to the revoke path (RFC 7009)', async () => {
      await serve((res) => res.writeHead(200).end());
      const sut = providerWith();

      await sut.revoke(aRefreshRequest());

      expect(server.requests).toEqual([
        {
          method: 'POST',
          path: '/oauth2/revoke',
          contentType: 'application/x-www-form-urlencoded',
          form: { token: 'old-refresh-token', token_type_hint: 'refresh_token', client_id: 'client-1', client_secret: 'client-secret-1' },
        },
      ]);
    });

    it('does nothing when the provider has no revoke path', async () => {
      await serve((res) => res.writeHead(200).end());
      const sut = providerWith({ revokeUrl: undefined });

      await sut.revoke(aRefreshRequest());

      expect(server.requests).toEqual([]);
    });

    it('resolves when the provider is down', async () => {
      await serve(() => undefined);
      await server.close();
      const sut = providerWith();

      await expect(sut.revoke(aRefreshRequest())).resolves.toBeUndefined();
    });
  });
});
