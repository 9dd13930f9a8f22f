import { hasLoneSurrogate, hasUnsafeCharacter } from '../../common/unsafe-text';
import { OAuthProviderError, OAuthProviderErrorCode } from '../oauth-provider.error';
import { CodeExchangeRequest, ProviderTokenSet, RefreshRequest } from './oauth-provider';

// RFC 6749 wire pieces both adapters share: the grant forms (client_secret_post)
// and reading fields of a token answer defensively.

/** Longer lifetimes are stored as this: a date decades away means "does not expire" just as well. */
export const MAX_LIFETIME_SECONDS = 10 * 365 * 86_400;
// Beyond the int32 "never expires" sentinels providers send, a lifetime is garbage, not a long life.
const ABSURD_LIFETIME_SECONDS = 2 ** 31;
// Far beyond any real token; a token is encrypted, stored and handed out whole.
const MAX_TOKEN_CHARS = 16_384;
// oauth_tokens.api_domain is varchar(255).
const MAX_API_DOMAIN_CHARS = 255;
const MAX_SCOPE_CHARS = 4_096;

/** Where an adapter's answers keep what differs between providers. */
export interface AnswerFields {
  /** Lifetime fields of the access token, in order of preference (the first one present counts). */
  lifetime: readonly string[];
  apiDomain?: string;
}

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
 * The token set of a successful answer, every field checked before it can reach the database:
 * a field that cannot be stored or trusted makes the whole answer malformed (a transient failure),
 * never a row that fails its write. A refresh token is included only when the answer carries one:
 * absent means "keep the one you have".
 */
export function tokenSetFromAnswer(body: unknown, issuedAt: Date, fields: AnswerFields): ProviderTokenSet | OAuthProviderError {
  try {
    return readTokenSet(body, issuedAt, fields);
  } catch (error) {
    if (error instanceof OAuthProviderError) return error;
    throw error;
  }
}

export function stringField(body: unknown, key: string): string | undefined {
  const value = rawField(body, key);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * A lifetime in seconds, clamped to `MAX_LIFETIME_SECONDS`. Absent, zero, negative or not a
 * number: undefined (unknown). Non-finite or absurdly large: throws, the answer is malformed.
 */
export function lifetimeField(body: unknown, key: string): number | undefined {
  const value = rawField(body, key);
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof seconds !== 'number' || Number.isNaN(seconds) || seconds <= 0) return undefined;
  if (!(seconds <= ABSURD_LIFETIME_SECONDS)) throw malformed(`${key} of ${seconds} seconds is out of range`);
  return Math.min(seconds, MAX_LIFETIME_SECONDS);
}

function readTokenSet(body: unknown, issuedAt: Date, fields: AnswerFields): ProviderTokenSet {
  const accessToken = textField(body, 'access_token', MAX_TOKEN_CHARS);
  if (!accessToken) throw malformed('no access_token');
  const refreshToken = textField(body, 'refresh_token', MAX_TOKEN_CHARS);
  const scope = textField(body, 'scope', MAX_SCOPE_CHARS);
  const apiDomain = fields.apiDomain === undefined ? undefined : textField(body, fields.apiDomain, MAX_API_DOMAIN_CHARS);
  const expiresIn = firstLifetime(body, fields.lifetime);
  const refreshExpiresIn = lifetimeField(body, 'refresh_token_expires_in');
  const refreshTokenExpiresAt = refreshExpiresIn === undefined ? undefined : dateAfter(issuedAt, refreshExpiresIn);
  return {
    accessToken,
    // expires_in is optional in RFC 6749; null means "unknown", not "never".
    accessTokenExpiresAt: expiresIn === undefined ? null : dateAfter(issuedAt, expiresIn),
    ...(refreshToken && { refreshToken }),
    ...(refreshTokenExpiresAt && { refreshTokenExpiresAt }),
    ...(scope && { scope }),
    ...(apiDomain && { apiDomain }),
  };
}

function firstLifetime(body: unknown, keys: readonly string[]): number | undefined {
  for (const key of keys) {
    const seconds = lifetimeField(body, key);
    if (seconds !== undefined) return seconds;
  }
  return undefined;
}

function dateAfter(issuedAt: Date, seconds: number): Date {
  const date = new Date(issuedAt.getTime() + seconds * 1000);
  if (!Number.isFinite(date.getTime())) throw malformed('a lifetime gives no valid date');
  return date;
}

// Stored and handed out verbatim, so refused rather than cleaned: a cleaned token is another token.
function textField(body: unknown, key: string, maxChars: number): string | undefined {
  const value = stringField(body, key);
  if (value === undefined) return undefined;
  if (hasUnsafeCharacter(value) || hasLoneSurrogate(value)) throw malformed(`${key} contains control or invisible characters`);
  if (value.length > maxChars) throw malformed(`${key} is longer than ${maxChars} characters`);
  return value;
}

function rawField(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}

function malformed(reason: string): OAuthProviderError {
  return new OAuthProviderError(OAuthProviderErrorCode.Transient, `malformed response: ${reason}`);
}
