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

/** Paths on the provider's accounts server; the server itself comes with each request. */
export interface GenericOAuth2Endpoints {
  tokenPath: string;
  authorizePath: string;
  /** RFC 7009 revocation endpoint; without one, revoke does nothing. */
  revokePath?: string;
}

const DEAD_GRANT_ERRORS = new Set(['invalid_grant']);
const CLIENT_ERRORS = new Set(['invalid_client', 'unauthorized_client']);

/**
 * A provider that follows RFC 6749 to the letter: errors arrive as 4xx with an `error` code,
 * refresh tokens may rotate. Client authentication is `client_secret_post` (credentials in the form).
 */
export class GenericOAuth2Provider extends OAuthProvider {
  constructor(
    readonly name: string,
    private readonly endpoints: GenericOAuth2Endpoints,
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
      redirect_uri: redirectUri,
      scope: scopes.join(' '),
      state,
    });
    return `${this.url(accountsServer, this.endpoints.authorizePath)}?${query}`;
  }

  async revoke({ refreshToken, accountsServer, credentials }: RevokeRequest): Promise<void> {
    if (!this.endpoints.revokePath) return;
    const form = {
      token: refreshToken,
      token_type_hint: 'refresh_token',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    };
    try {
      await this.client.postForm(this.url(accountsServer, this.endpoints.revokePath), form, () => undefined);
    } catch {
      // Best effort by contract: the grant is forgotten locally either way and the caller logs the attempt.
    }
  }

  private requestToken(accountsServer: string, form: Record<string, string>): Promise<ProviderTokenSet> {
    return this.client.postForm(this.url(accountsServer, this.endpoints.tokenPath), form, (_status, body) =>
      this.readAnswer(body),
    );
  }

  private url(accountsServer: string, path: string): string {
    return `${accountsServer.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  }

  private readAnswer(body: unknown): ProviderTokenSet | OAuthProviderError {
    const accessToken = stringField(body, 'access_token');
    if (!accessToken) return classifyError(body);
    const issuedAt = this.now().getTime();
    const expiresIn = secondsField(body, 'expires_in');
    const refreshExpiresIn = secondsField(body, 'refresh_token_expires_in');
    const refreshToken = stringField(body, 'refresh_token');
    const scope = stringField(body, 'scope');
    return {
      accessToken,
      // RFC 6749 makes expires_in optional; null means "unknown", not "never".
      accessTokenExpiresAt: expiresIn === undefined ? null : new Date(issuedAt + expiresIn * 1000),
      // A refresh token in the answer means the provider rotated it; the old one may already be dead.
      ...(refreshToken && { refreshToken }),
      ...(refreshExpiresIn !== undefined && { refreshTokenExpiresAt: new Date(issuedAt + refreshExpiresIn * 1000) }),
      ...(scope && { scope }),
    };
  }
}

function classifyError(body: unknown): OAuthProviderError {
  const error = stringField(body, 'error');
  const detail = describeProviderError(body);
  if (error && DEAD_GRANT_ERRORS.has(error)) {
    return new OAuthProviderError(OAuthProviderErrorCode.DeadGrant, `the provider rejected the grant (${detail}); the user must reconnect`);
  }
  if (error && CLIENT_ERRORS.has(error)) {
    return new OAuthProviderError(
      OAuthProviderErrorCode.Configuration,
      `the provider rejected the OAuth client (${detail}); check the OAuth app credentials (client id and secret)`,
    );
  }
  if (error) return new OAuthProviderError(OAuthProviderErrorCode.Transient, `the provider answered an error (${detail})`);
  return new OAuthProviderError(OAuthProviderErrorCode.Transient, 'malformed response: no access_token and no error');
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
