import { OAuthProviderError, OAuthProviderErrorCode } from '../oauth-provider.error';
import { describeProviderError, HttpTokenClient } from './http-token-client';
import {
  AuthorizeUrlRequest,
  CodeExchangeRequest,
  OAuthProvider,
  ProviderTokenSet,
  RefreshRequest,
  RevokeRequest,
} from './oauth-provider';

const TOKEN_PATH = '/oauth/v2/token';
// invalid_code is Zoho's answer for a revoked or deleted refresh token (and for a used authorization code).
const DEAD_GRANT_ERRORS = new Set(['invalid_code', 'invalid_grant']);
const CLIENT_ERRORS = new Set(['invalid_client', 'invalid_client_secret']);
// Zoho throttles with this "error" value rather than with HTTP 429.
const THROTTLED_ERROR = 'Access Denied';

/**
 * Zoho Accounts (every data centre). Zoho reports errors with HTTP 200 as often as with 400,
 * so answers are judged by their body, never by their status.
 */
export class ZohoProvider extends OAuthProvider {
  readonly name = 'zoho';

  constructor(
    private readonly client: HttpTokenClient,
    private readonly now: () => Date = () => new Date(),
  ) {
    super();
  }

  refresh({ refreshToken, accountsServer, credentials }: RefreshRequest): Promise<ProviderTokenSet> {
    return this.requestToken(accountsServer, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    });
  }

  exchangeCode({ code, redirectUri, accountsServer, credentials }: CodeExchangeRequest): Promise<ProviderTokenSet> {
    return this.requestToken(accountsServer, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    });
  }

  authorizeUrl({ accountsServer, clientId, redirectUri, scopes, state }: AuthorizeUrlRequest): string {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      scope: scopes.join(','),
      redirect_uri: redirectUri,
      // offline + consent make Zoho issue a refresh token on every connect, not only the first one.
      access_type: 'offline',
      prompt: 'consent',
      state,
    });
    return `${withoutTrailingSlash(accountsServer)}/oauth/v2/auth?${query}`;
  }

  async revoke({ refreshToken, accountsServer }: RevokeRequest): Promise<void> {
    const query = new URLSearchParams({ token: refreshToken });
    try {
      await this.client.postForm(`${withoutTrailingSlash(accountsServer)}${TOKEN_PATH}/revoke?${query}`, {}, () => undefined);
    } catch {
      // Best effort by contract: the grant is forgotten locally either way and the caller logs the attempt.
    }
  }

  private requestToken(accountsServer: string, form: Record<string, string>): Promise<ProviderTokenSet> {
    return this.client.postForm(`${withoutTrailingSlash(accountsServer)}${TOKEN_PATH}`, form, (_status, body) => this.readAnswer(body));
  }

  private readAnswer(body: unknown): ProviderTokenSet | OAuthProviderError {
    const accessToken = stringField(body, 'access_token');
    if (!accessToken) return classifyError(body);
    const issuedAt = this.now().getTime();
    // Legacy answers put milliseconds in expires_in and seconds in expires_in_sec.
    const expiresIn = secondsField(body, 'expires_in_sec') ?? secondsField(body, 'expires_in');
    const refreshExpiresIn = secondsField(body, 'refresh_token_expires_in');
    const refreshToken = stringField(body, 'refresh_token');
    const scope = stringField(body, 'scope');
    const apiDomain = stringField(body, 'api_domain');
    return {
      accessToken,
      accessTokenExpiresAt: expiresIn === undefined ? null : new Date(issuedAt + expiresIn * 1000),
      // Zoho refresh tokens do not rotate: absent here means "keep the one you have".
      ...(refreshToken && { refreshToken }),
      ...(refreshExpiresIn !== undefined && { refreshTokenExpiresAt: new Date(issuedAt + refreshExpiresIn * 1000) }),
      ...(scope && { scope }),
      ...(apiDomain && { apiDomain }),
    };
  }
}

function classifyError(body: unknown): OAuthProviderError {
  const error = stringField(body, 'error');
  const detail = describeProviderError(body);
  if (error && DEAD_GRANT_ERRORS.has(error)) {
    return new OAuthProviderError(
      OAuthProviderErrorCode.DeadGrant,
      `Zoho rejected the grant (${detail}); the user must reconnect`,
    );
  }
  if (error && CLIENT_ERRORS.has(error)) {
    return new OAuthProviderError(
      OAuthProviderErrorCode.Configuration,
      `Zoho rejected the OAuth client (${detail}); check the OAuth app credentials (client id and secret) and that the app belongs to this accounts server's data centre`,
    );
  }
  if (error === THROTTLED_ERROR) {
    return new OAuthProviderError(OAuthProviderErrorCode.Transient, `Zoho is throttling token requests (${detail})`);
  }
  if (error) return new OAuthProviderError(OAuthProviderErrorCode.Transient, `Zoho answered an unrecognised error (${detail})`);
  return new OAuthProviderError(OAuthProviderErrorCode.Transient, 'malformed response: no access_token and no error');
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function stringField(body: unknown, key: string): string | undefined {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function secondsField(body: unknown, key: string): number | undefined {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}
