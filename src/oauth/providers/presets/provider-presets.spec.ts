import { parseAppConfig } from '../../../config/parse-app-config';
import { failureOf, json, startTokenEndpoint } from '../../../../test/support/token-endpoint-server';
import { OAuthProviderErrorCode } from '../../oauth-provider.error';
import { HttpTokenClient } from '../http-token-client';
import { createProviderAdapter } from '../provider-adapter.factory';
import { loadProviderCatalog } from '../provider-catalog';

const { DeadGrant, Configuration, Transient, Throttled } = OAuthProviderErrorCode;

// Error answers as the providers document them (sources in docs/providers.md), each
// sent over HTTP to the adapter the preset configures, through the real config parse.
const DOCUMENTED_ANSWERS: [provider: string, status: number, body: object, expected: OAuthProviderErrorCode][] = [
  ['google', 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }, DeadGrant],
  ['google', 400, { error: 'invalid_grant', error_description: 'Bad Request' }, DeadGrant],
  ['google', 401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' }, Configuration],
  ['google', 401, { error: 'deleted_client', error_description: 'The OAuth client was deleted.' }, Configuration],
  ['microsoft', 400, aadsts('invalid_grant', 700082, 'The refresh token has expired due to inactivity.'), DeadGrant],
  ['microsoft', 400, aadsts('invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity.'), DeadGrant],
  ['microsoft', 400, aadsts('invalid_grant', 70000, 'The provided value for the input parameter is not valid.'), DeadGrant],
  ['microsoft', 400, aadsts('invalid_grant', 50173, 'The provided grant has expired due to it being revoked.'), DeadGrant],
  ['microsoft', 400, aadsts('invalid_grant', 65001, 'The user or administrator has not consented to use the application.'), DeadGrant],
  ['microsoft', 400, aadsts('interaction_required', 50076, 'Due to a configuration change, you must use multi-factor authentication.'), DeadGrant],
  [
    'microsoft',
    400,
    aadsts('temporarily_unavailable', 50196, 'The server terminated an operation because it encountered a client request loop.'),
    Transient,
  ],
  ['microsoft', 401, aadsts('invalid_client', 7000215, 'Invalid client secret provided.'), Configuration],
  ['salesforce', 400, { error: 'invalid_grant', error_description: 'expired access/refresh token' }, DeadGrant],
  ['salesforce', 400, { error: 'invalid_grant', error_description: 'inactive user' }, DeadGrant],
  ['salesforce', 400, { error: 'invalid_grant', error_description: 'authentication failure' }, DeadGrant],
  ['salesforce', 400, { error: 'invalid_grant', error_description: "user hasn't approved this consumer" }, DeadGrant],
  ['salesforce', 400, { error: 'invalid_grant', error_description: 'IP restricted' }, Configuration],
  ['salesforce', 400, { error: 'invalid_grant', error_description: 'ip restricted or invalid login hours' }, Configuration],
  ['salesforce', 400, { error: 'invalid_client', error_description: 'invalid client credentials' }, Configuration],
  ['hubspot', 400, { status: 'BAD_REFRESH_TOKEN', message: 'missing or invalid refresh token', correlationId: 'c-1' }, DeadGrant],
  ['hubspot', 400, { status: 'BAD_CLIENT_ID', message: 'missing or unknown client id', correlationId: 'c-2' }, Configuration],
  ['hubspot', 400, { status: 'error', message: 'Any of the listed authentication credentials are missing' }, Transient],
  ['zoho', 200, { error: 'invalid_code' }, DeadGrant],
  ['zoho', 200, { error: 'invalid_client' }, Configuration],
  [
    'zoho',
    200,
    { error: 'Access Denied', error_description: 'You have made too many requests continuously. Please try again after some time.' },
    Throttled,
  ],
  [
    'zoho',
    400,
    { error: 'Access Denied', error_description: 'You have made too many requests continuously. Please try again after some time.' },
    Throttled,
  ],
  ['google', 403, { error: { code: 403, errors: [{ reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' }] } }, Throttled],
  ['google', 403, { error: { code: 403, errors: [{ reason: 'userRateLimitExceeded', message: 'User Rate Limit Exceeded' }] } }, Throttled],
  ['hubspot', 429, { status: 'error', message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT' }, Throttled],
  ['hubspot', 400, { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT' }, Throttled],
  ['microsoft', 429, { error: 'throttled' }, Throttled],
  ['salesforce', 403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], Throttled],
];

function aadsts(error: string, code: number, text: string): object {
  return {
    error,
    error_description: `AADSTS${code}: ${text}\r\nTrace ID: 0000aaaa-11bb\r\nCorrelation ID: aaaa0000-bb11\r\nTimestamp: 2026-01-09 02:02:12Z`,
    error_codes: [code],
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  };
}

describe('provider presets', () => {
  let server: Awaited<ReturnType<typeof startTokenEndpoint>>;
  const client = new HttpTokenClient({ timeoutMs: 1000, maxAttempts: 1 });

  afterEach(() => server?.close());

  async function adapterFor(provider: string) {
    const prefix = provider.toUpperCase();
    const config = parseAppConfig({
      OAUTH_PROVIDERS: provider,
      [`${prefix}_CLIENT_ID`]: 'client-1',
      [`${prefix}_CLIENT_SECRET`]: 'secret-1',
      // Zoho's endpoints hang off the token's accounts server; the others are pointed here.
      ...(provider === 'zoho' ? {} : { [`${prefix}_TOKEN_URL`]: `${server.origin}/token` }),
    });
    const [entry] = await loadProviderCatalog(config);
    return { adapter: createProviderAdapter(entry, client), credentials: entry.credentials! };
  }

  it.each(DOCUMENTED_ANSWERS)('%s: HTTP %i %j is %s', async (provider, status, body, expected) => {
    server = await startTokenEndpoint((res) => json(res, status, body));
    const { adapter, credentials } = await adapterFor(provider);

    const error = await failureOf(adapter.refresh({ refreshToken: 'refresh-1', accountsServer: server.origin, credentials }));

    expect(error.code).toBe(expected);
  });

  it('names the provider and the reason in a dead-grant message', async () => {
    server = await startTokenEndpoint((res) => json(res, 400, { status: 'BAD_REFRESH_TOKEN', message: 'missing or invalid refresh token' }));
    const { adapter, credentials } = await adapterFor('hubspot');

    const error = await failureOf(adapter.refresh({ refreshToken: 'refresh-1', accountsServer: server.origin, credentials }));

    expect(error.message).toContain('HubSpot rejected the grant (BAD_REFRESH_TOKEN: missing or invalid refresh token)');
  });

  it.each([
    ['google', 'https://accounts.google.com/o/oauth2/v2/auth', { access_type: 'offline', prompt: 'consent', scope: 'openid email' }],
    ['microsoft', 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize', { scope: 'openid email User.Read offline_access' }],
    ['salesforce', 'https://login.salesforce.com/services/oauth2/authorize', { scope: 'api refresh_token' }],
    ['hubspot', 'https://app.hubspot.com/oauth/authorize', { scope: 'oauth' }],
  ])('%s asks for offline access the way the provider wants', async (provider, endpoint, params) => {
    server = await startTokenEndpoint((res) => json(res, 200, {}));
    const config = parseAppConfig({ OAUTH_PROVIDERS: provider });
    const [entry] = await loadProviderCatalog(config);
    const sut = createProviderAdapter(entry, client);

    const url = new URL(sut.authorizeUrl({ accountsServer: '', clientId: 'c', redirectUri: 'https://app/cb', scopes: entry.scopes, state: 's' }));

    expect(`${url.origin}${url.pathname}`).toBe(endpoint);
    expect(Object.fromEntries(url.searchParams)).toMatchObject(params);
  });

  it('puts MICROSOFT_TENANT into the Microsoft endpoints', async () => {
    const config = parseAppConfig({ OAUTH_PROVIDERS: 'microsoft', MICROSOFT_TENANT: 'contoso.onmicrosoft.com' });

    const [entry] = await loadProviderCatalog(config);

    expect(entry.definition.tokenUrl).toBe('https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token');
  });
});
