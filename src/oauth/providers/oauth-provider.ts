import { OAuthClientCredentials } from '../oauth-credentials';

/** What a provider hands back after a successful refresh or code exchange. */
export interface ProviderTokenSet {
  accessToken: string;
  /** Present only when the provider issued a new refresh token (rotation or code exchange). */
  refreshToken?: string;
  accessTokenExpiresAt: Date | null;
  /** Known only for providers that send `refresh_token_expires_in`. */
  refreshTokenExpiresAt?: Date | null;
  scope?: string;
  apiDomain?: string;
}

export interface RefreshRequest {
  refreshToken: string;
  /** Base URL of the accounts/authorization server this token belongs to (Zoho data centre). */
  accountsServer: string;
  credentials: OAuthClientCredentials;
}

export interface CodeExchangeRequest {
  code: string;
  redirectUri: string;
  accountsServer: string;
  credentials: OAuthClientCredentials;
}

export interface AuthorizeUrlRequest {
  accountsServer: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string;
}

export interface RevokeRequest {
  refreshToken: string;
  accountsServer: string;
  credentials: OAuthClientCredentials;
}

/**
 * Port for one OAuth 2.0 provider. Adapters own the wire format, timeouts,
 * retries of transient faults and the mapping of provider errors to
 * `OAuthProviderError` codes; nothing outside an adapter knows a provider's JSON.
 */
export abstract class OAuthProvider {
  /** Registry key, e.g. `zoho`. Also the `provider` column value. */
  abstract readonly name: string;

  abstract refresh(request: RefreshRequest): Promise<ProviderTokenSet>;

  abstract exchangeCode(request: CodeExchangeRequest): Promise<ProviderTokenSet>;

  abstract authorizeUrl(request: AuthorizeUrlRequest): string;

  /** Best effort: implementations may resolve without doing anything. */
  abstract revoke(request: RevokeRequest): Promise<void>;
}
