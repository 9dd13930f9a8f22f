import { CodeExchangeRequest, ProviderTokenSet, RefreshRequest } from './oauth-provider';

// RFC 6749 wire pieces both adapters share: the grant forms (client_secret_post)
// and reading fields of a token answer defensively.

export function refreshGrantForm({ refreshToken, credentials }: RefreshRequest): Record<string, string> {
  return {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
  };
}

export function authorizationCodeGrantForm({ code, redirectUri, credentials }: CodeExchangeRequest): Record<string, string> {
  return {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
  };
}

/**
 * The token set of a successful answer. `expiresInSeconds` is passed in because
 * providers disagree on where the lifetime lives. A refresh token is included only
 * when the answer carries one: absent means "keep the one you have".
 */
export function tokenSetFromAnswer(body: unknown, accessToken: string, issuedAt: Date, expiresInSeconds: number | undefined): ProviderTokenSet {
  const refreshExpiresIn = secondsField(body, 'refresh_token_expires_in');
  const refreshToken = stringField(body, 'refresh_token');
  const scope = stringField(body, 'scope');
  return {
    accessToken,
    // expires_in is optional in RFC 6749; null means "unknown", not "never".
    accessTokenExpiresAt: expiresInSeconds === undefined ? null : new Date(issuedAt.getTime() + expiresInSeconds * 1000),
    ...(refreshToken && { refreshToken }),
    ...(refreshExpiresIn !== undefined && { refreshTokenExpiresAt: new Date(issuedAt.getTime() + refreshExpiresIn * 1000) }),
    ...(scope && { scope }),
  };
}

export function stringField(body: unknown, key: string): string | undefined {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function secondsField(body: unknown, key: string): number | undefined {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}
