// The connect flow, refresh with rotation, revocation and expiry against a real
// OpenID Provider this project did not write (`oidc-provider`), enabled as a custom
// provider through <P>_ISSUER discovery only.
import request from 'supertest';
import { TokenCipher } from '../src/oauth/token-cipher';
import { readToken } from './factories/token.factory';
import { waitUntil } from './support/alert-sinks';
import { IssuerClient, OidcIssuer } from './support/oidc-issuer';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';
import { WebhookSink } from './support/webhook-sink';
import { useSecretScan } from './support/secret-scan';
import { httpServer } from './factories/http-server';

const scan = useSecretScan();

const PUBLIC_BASE_URL = 'https://token-health.example.test';
const IDP: IssuerClient = {
  client_id: 'token-health',
  client_secret: 'idp-client-secret-never-shown',
  redirect_uris: [`${PUBLIC_BASE_URL}/oauth/idp/callback`],
};
// The same issuer, another app whose refresh tokens live two seconds.
const SHORT: IssuerClient = {
  client_id: 'token-health-short',
  client_secret: 'short-client-secret-never-shown',
  redirect_uris: [`${PUBLIC_BASE_URL}/oauth/idp-short/callback`],
  refreshTokenTtlSeconds: 2,
};
const REPORT = 'clientId provider status error';

interface Report {
  clientId: string;
  provider: string;
  status: string;
  error: string | null;
}

describe('oidc-provider as a custom provider', () => {
  let database: TestDatabase;
  let issuer: OidcIssuer;
  let slack: WebhookSink;
  let app: TestApp;

  const graphql = async <TData = unknown>(query: string, variables: Record<string, unknown> = {}) => {
    const response = await request(httpServer(app))
      .post('/graphql')
      .set({ authorization: `Bearer ${TEST_ADMIN_TOKEN}` })
      .send({ query, variables });
    return response.body as { data?: TData | null; errors?: { message: string; extensions?: { code?: string } }[] };
  };
  const check = async (clientId: string) => {
    return (await graphql<{ checkTokenHealth: Report[] }>(`mutation($c: String) { checkTokenHealth(clientId: $c) { ${REPORT} } }`, { c: clientId }))
      .data!.checkTokenHealth;
  };
  const storedRefreshToken = async (clientId: string, provider: string) => {
    const row = await readToken(app, clientId, provider);
    const cipher = app.get(TokenCipher);
    scan.secret(cipher.decrypt(row.access_token!, { clientId, provider, column: 'access_token' }), 'issued access token');
    return scan.secret(cipher.decrypt(row.refresh_token!, { clientId, provider, column: 'refresh_token' }), 'issued refresh token');
  };

  /** From createConnectLink to the success page, with a scripted sign-in at the issuer. */
  const connect = async (clientId: string, provider: string) => {
    const link = (
      await graphql<{ createConnectLink: string }>('mutation($c: String!, $p: String!) { createConnectLink(clientId: $c, provider: $p) }', {
        c: clientId,
        p: provider,
      })
    ).data!.createConnectLink;
    const start = await request(httpServer(app))
      .get(new URL(link).pathname + new URL(link).search)
      .expect(302);
    const authorize = new URL(start.headers.location);
    const back = await issuer.signInAndConsent(authorize.toString(), `user-of-${clientId}`);
    expect(back.origin + back.pathname).toBe(`${PUBLIC_BASE_URL}/oauth/${provider}/callback`);
    const done = await request(httpServer(app)).get(back.pathname + back.search);
    return { authorize, done };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    [issuer, slack] = await Promise.all([OidcIssuer.start([IDP, SHORT]), WebhookSink.start()]);
    app = await startTestApp({
      DATABASE_URL: database.url,
      PUBLIC_BASE_URL,
      SLACK_WEBHOOK_URL: slack.url,
      OAUTH_PROVIDERS: 'zoho,idp,idp-short',
      IDP_ISSUER: issuer.issuer,
      IDP_CLIENT_ID: IDP.client_id,
      IDP_CLIENT_SECRET: IDP.client_secret,
      IDP_SHORT_ISSUER: issuer.issuer,
      IDP_SHORT_CLIENT_ID: SHORT.client_id,
      IDP_SHORT_CLIENT_SECRET: SHORT.client_secret,
      // Every check refreshes: oidc-provider's access tokens live an hour.
      TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES: '120',
      TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0',
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all([issuer?.stop(), slack?.close()]);
    await database?.drop();
  });

  it('connects through the discovered authorize endpoint, with offline access and a stored healthy token', async () => {
    const { authorize, done } = await connect('acme', 'idp');

    expect(authorize.origin + authorize.pathname).toBe(`${issuer.issuer}/auth`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: IDP.client_id,
      scope: 'openid offline_access',
      prompt: 'consent',
      redirect_uri: `${PUBLIC_BASE_URL}/oauth/idp/callback`,
    });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Connected');
    const report = (await graphql<{ tokenHealth: Report[] }>(`query { tokenHealth(clientId: "acme") { ${REPORT} } }`)).data!.tokenHealth;
    expect(report).toEqual([{ clientId: 'acme', provider: 'idp', status: 'HEALTHY', error: null }]);
    expect(await issuer.isActive(await storedRefreshToken('acme', 'idp'), IDP)).toBe(true);
  });

  it('persists each rotated refresh token, so the next refresh works and the old one is spent', async () => {
    await connect('rotating', 'idp');
    const first = await storedRefreshToken('rotating', 'idp');

    expect(await check('rotating')).toEqual([{ clientId: 'rotating', provider: 'idp', status: 'HEALTHY', error: null }]);
    const second = await storedRefreshToken('rotating', 'idp');
    expect(await check('rotating')).toEqual([{ clientId: 'rotating', provider: 'idp', status: 'HEALTHY', error: null }]);
    const third = await storedRefreshToken('rotating', 'idp');

    expect(new Set([first, second, third]).size).toBe(3);
    expect(await issuer.isActive(first, IDP)).toBe(false);
    expect(await issuer.isActive(third, IDP)).toBe(true);
  });

  it('marks a grant revoked at the issuer invalid and alerts within one check', async () => {
    await connect('revoked', 'idp');
    await issuer.revoke(await storedRefreshToken('revoked', 'idp'), IDP);
    slack.reset();

    const [report] = await check('revoked');

    expect(report).toMatchObject({ clientId: 'revoked', provider: 'idp', status: 'INVALID' });
    expect(report.error).toContain('invalid_grant');
    await waitUntil(() => slack.requests.length > 0, 10_000, 'the Slack alert');
    expect(slack.requests[0].body).toContain('OAuth Token invalid: revoked/idp');
  });

  it('marks an expired refresh token invalid', async () => {
    await connect('short-lived', 'idp-short');
    const refreshToken = await storedRefreshToken('short-lived', 'idp-short');
    await waitUntil(async () => !(await issuer.isActive(refreshToken, SHORT)), 10_000, 'the refresh token to expire at the issuer');

    const [report] = await check('short-lived');

    expect(report).toMatchObject({ clientId: 'short-lived', provider: 'idp-short', status: 'INVALID' });
    expect(report.error).toContain('invalid_grant');
  });

  it('refuses a connect link for a provider that is not enabled', async () => {
    const response = await graphql('mutation { createConnectLink(clientId: "acme", provider: "google") }');

    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].message).toContain('enabled providers: zoho, idp, idp-short');
  });

  it('never puts a client secret or a refresh token into a stored error or an alert', async () => {
    const errors = (await app.dataSource.query<{ health_check_error: string | null }[]>('SELECT health_check_error FROM oauth_tokens')).map((row) =>
      String(row.health_check_error),
    );
    const everything = [...errors, ...slack.requests.map((r) => r.body)].join('\n');

    expect(everything).not.toContain(IDP.client_secret);
    expect(everything).not.toContain(SHORT.client_secret);
    expect(everything).not.toContain(await storedRefreshToken('revoked', 'idp'));
  });
});
