import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ConfigError } from '../../config/config.error';
import { parseAppConfig } from '../../config/parse-app-config';
import { loadProviderCatalog } from './provider-catalog';

describe('loadProviderCatalog', () => {
  let server: Server | undefined;
  let answer: (issuer: string) => { status: number; body: string } | 'hang';
  let discoveryRequests = 0;

  const startIssuer = async (): Promise<string> => {
    server = createServer((req, res) => {
      discoveryRequests += 1;
      const issuer = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
      const reply = answer(issuer);
      if (reply === 'hang' || req.url !== '/.well-known/openid-configuration') return;
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const metadata = (issuer: string, extra: object = {}) => ({
    status: 200,
    body: JSON.stringify({
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      revocation_endpoint: `${issuer}/token/revocation`,
      scopes_supported: ['openid', 'offline_access'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      ...extra,
    }),
  });
  const configWith = (env: Record<string, string>) => parseAppConfig({ OAUTH_DISCOVERY_TIMEOUT_MS: '300', ...env });
  const failureOf = async (env: Record<string, string>): Promise<string> => {
    const outcome = await loadProviderCatalog(configWith(env)).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (outcome instanceof ConfigError) return outcome.message;
    throw new Error(`expected a ConfigError, got ${String(outcome)}`);
  };

  beforeEach(() => (discoveryRequests = 0));
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  it('enables all five presets without any endpoint variable', async () => {
    const sut = await loadProviderCatalog(configWith({ OAUTH_PROVIDERS: 'zoho,google,microsoft,salesforce,hubspot' }));

    expect(sut.map((entry) => [entry.definition.name, entry.adapter])).toEqual([
      ['zoho', 'zoho'],
      ['google', 'rfc6749'],
      ['microsoft', 'rfc6749'],
      ['salesforce', 'rfc6749'],
      ['hubspot', 'rfc6749'],
    ]);
  });

  it("keeps Zoho's data centres as its accounts servers", async () => {
    const [sut] = await loadProviderCatalog(configWith({ ZOHO_ACCOUNTS_URL: 'https://accounts.zoho.eu' }));

    expect(sut.accountsServers.defaultServer).toBe('https://accounts.zoho.eu');
    expect(sut.accountsServers.allowedOrigins).toContain('https://accounts.zoho.in');
  });

  it("takes Zoho's credentials and scopes from the zoho group when the catalog entry has none (host-app options)", async () => {
    const config = configWith({});
    config.zoho = { ...config.zoho, clientId: 'host-id', clientSecret: 'host-secret', scopes: ['ZohoCRM.users.READ'] };
    config.oauthProviders = [{ name: 'zoho', envPrefix: 'ZOHO' }];

    const [sut] = await loadProviderCatalog(config);

    expect(sut.credentials).toEqual({ clientId: 'host-id', clientSecret: 'host-secret' });
    expect(sut.scopes).toEqual(['ZohoCRM.users.READ']);
  });

  it('runs a preset under another name and app with <P>_PRESET (a tenant bringing its own OAuth app)', async () => {
    const [, sut] = await loadProviderCatalog(
      configWith({
        OAUTH_PROVIDERS: 'google,acme-google',
        ACME_GOOGLE_PRESET: 'google',
        ACME_GOOGLE_CLIENT_ID: 'acme-id',
        ACME_GOOGLE_CLIENT_SECRET: 'acme-secret',
      }),
    );

    expect(sut.definition).toMatchObject({ name: 'acme-google', title: 'Google', tokenUrl: 'https://oauth2.googleapis.com/token' });
    expect(sut.credentials).toEqual({ clientId: 'acme-id', clientSecret: 'acme-secret' });
  });

  it('refuses an app with a client id but no secret, naming the missing variable', async () => {
    expect(await failureOf({ OAUTH_PROVIDERS: 'zoho,google', GOOGLE_CLIENT_ID: 'google-app' })).toBe(
      'Invalid configuration: GOOGLE_CLIENT_SECRET is required when GOOGLE_CLIENT_ID is set (set both, or neither)',
    );
    expect(await failureOf({ ZOHO_CLIENT_SECRET: 'zoho-secret' })).toMatch(
      /^Invalid configuration: ZOHO_CLIENT_ID is required when ZOHO_CLIENT_SECRET/,
    );
  });

  it('fails naming <P>_PRESET when it is not a built-in preset', async () => {
    expect(await failureOf({ OAUTH_PROVIDERS: 'acme', ACME_PRESET: 'myspace' })).toMatch(
      /^Invalid configuration: ACME_PRESET must be one of zoho, google/,
    );
  });

  it('describes a custom provider from its discovery document, once per configuration', async () => {
    answer = (issuer) => metadata(issuer);
    const issuer = await startIssuer();
    const config = configWith({ OAUTH_PROVIDERS: 'idp', IDP_ISSUER: issuer });

    const [sut] = await loadProviderCatalog(config);
    await loadProviderCatalog(config);

    expect(sut.definition).toMatchObject({
      tokenUrl: `${issuer}/token`,
      authorizeUrl: `${issuer}/auth`,
      revokeUrl: `${issuer}/token/revocation`,
      clientAuth: 'client_secret_basic',
      authorizeParams: { prompt: 'consent' },
    });
    expect(sut.scopes).toEqual(['openid', 'offline_access']);
    expect(sut.accountsServers.allowedOrigins).toEqual([issuer]);
    expect(discoveryRequests).toBe(1);
  });

  it('lets explicit URL variables override discovered endpoints', async () => {
    answer = (issuer) => metadata(issuer);
    const issuer = await startIssuer();

    const [sut] = await loadProviderCatalog(configWith({ OAUTH_PROVIDERS: 'idp', IDP_ISSUER: issuer, IDP_REVOKE_URL: `${issuer}/other-revoke` }));

    expect(sut.definition.revokeUrl).toBe(`${issuer}/other-revoke`);
  });

  it('describes a custom provider from its token and authorize URLs without discovery', async () => {
    const [sut] = await loadProviderCatalog(
      configWith({ OAUTH_PROVIDERS: 'acme', ACME_TOKEN_URL: 'https://id.acme.test/token', ACME_AUTHORIZE_URL: 'https://id.acme.test/authorize' }),
    );

    expect(sut.definition).toMatchObject({ tokenUrl: 'https://id.acme.test/token', clientAuth: 'client_secret_post' });
    expect(sut.definition.revokeUrl).toBeUndefined();
  });

  it('fails naming <P>_ISSUER when a custom provider has neither discovery nor URLs', async () => {
    expect(await failureOf({ OAUTH_PROVIDERS: 'zoho,idp' })).toMatch(
      /^Invalid configuration: IDP_ISSUER is required: "idp" is not a built-in provider/,
    );
  });

  it('fails naming the missing URL when only one of token and authorize is given', async () => {
    expect(await failureOf({ OAUTH_PROVIDERS: 'acme', ACME_TOKEN_URL: 'https://id.acme.test/token' })).toMatch(
      /^Invalid configuration: ACME_AUTHORIZE_URL is required/,
    );
  });

  it('fails naming <P>_ISSUER when the issuer is unreachable', async () => {
    expect(await failureOf({ OAUTH_PROVIDERS: 'idp', IDP_ISSUER: 'http://127.0.0.1:9' })).toMatch(
      /^Invalid configuration: IDP_ISSUER: OpenID Connect discovery at http:\/\/127.0.0.1:9\/.well-known\/openid-configuration failed: unreachable/,
    );
  });

  it('fails when the issuer does not answer within the discovery timeout', async () => {
    answer = () => 'hang';
    const issuer = await startIssuer();

    expect(await failureOf({ OAUTH_PROVIDERS: 'idp', IDP_ISSUER: issuer })).toContain('failed: no answer within 300 ms');
  });

  it.each([
    ['not JSON', () => ({ status: 200, body: '<html>' }), 'the answer is not JSON'],
    ['an error status', () => ({ status: 404, body: '{}' }), 'HTTP 404'],
    ['another issuer', () => metadata('https://evil.example.test'), 'its issuer is "https://evil.example.test"'],
    ['no token endpoint', (issuer: string) => metadata(issuer, { token_endpoint: undefined }), 'token_endpoint is missing or not an https URL'],
    [
      'a plain-http endpoint elsewhere',
      (issuer: string) => metadata(issuer, { token_endpoint: 'http://evil.example.test/token' }),
      'token_endpoint is missing',
    ],
  ])('fails when the discovery document is %s', async (_case, reply, reason) => {
    answer = reply;
    const issuer = await startIssuer();

    const message = await failureOf({ OAUTH_PROVIDERS: 'idp', IDP_ISSUER: issuer });

    expect(message).toMatch(/^Invalid configuration: IDP_ISSUER: /);
    expect(message).toContain(reason);
  });

  it('refuses endpoint variables for Zoho, whose data centre comes from ZOHO_ACCOUNTS_URL', async () => {
    expect(await failureOf({ ZOHO_TOKEN_URL: 'https://accounts.zoho.eu/oauth/v2/token' })).toContain('set ZOHO_ACCOUNTS_URL');
  });
});
