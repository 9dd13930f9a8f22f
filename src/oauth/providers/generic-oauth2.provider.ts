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
    // A refresh token in the answer means the provider rotated it; the old one may already be dead.
    return tokenSetFromAnswer(body, accessToken, this.now(), secondsField(body, 'expires_in'));
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


