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
import { authorizationCodeGrantForm, refreshGrantForm, secondsField, stringField, tokenSetFromAnswer } from './oauth2-wire';

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

  refresh(request: RefreshRequest): Promise<ProviderTokenSet> {
    return this.requestToken(request.accountsServer, refreshGrantForm(request));
  }

  exchangeCode(request: CodeExchangeRequest): Promise<ProviderTokenSet> {
    return this.requestToken(request.accountsServer, authorizationCodeGrantForm(request));
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
    // Legacy answers put milliseconds in expires_in and seconds in expires_in_sec.
    const expiresIn = secondsField(body, 'expires_in_sec') ?? secondsField(body, 'expires_in');
    const apiDomain = stringField(body, 'api_domain');
    return { ...tokenSetFromAnswer(body, accessToken, this.now(), expiresIn), ...(apiDomain && { apiDomain }) };
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


