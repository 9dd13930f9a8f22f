import { UnreadableReason } from './oauth-token.errors';
import { TokenStatus } from './token-status';

/** Which row a token is, and what its ciphertext is bound to. */
interface TokenIdentity {
  id: string;
  clientId: string;
  provider: string;
}

/** A token row with its secrets decrypted; lives only in memory, never logged or returned by the API. */
export interface StoredToken extends TokenIdentity {
  /** Why a stored value could not be decrypted; both secrets are then null and must not be used. */
  unreadable: UnreadableReason | null;
  accessToken: string | null;
  refreshToken: string | null;
  /** The stored ciphertexts, as read: what a re-encryption may replace. */
  sealed: { accessToken: string | null; refreshToken: string | null };
  tokenExpiry: Date | null;
  accountsServer: string | null;
  tokenStatus: TokenStatus;
  lastRefreshedAt: Date | null;
  refreshTokenExpiresAt: Date | null;
  lastRefreshAttemptAt: Date | null;
  healthCheckError: string | null;
  /** Set while a refresh of this token is in flight somewhere (see OAuthTokenLeaseRepository). */
  leaseUntil: Date | null;
}

/** What the checker and the API may show about a token: no secrets. */
export interface TokenHealthRow {
  clientId: string;
  provider: string;
  status: TokenStatus;
  lastRefresh: Date | null;
  lastHealthCheck: Date | null;
  accessTokenExpiresAt: Date | null;
  error: string | null;
}

export interface TokenSetInput {
  clientId: string;
  provider: string;
  refreshToken: string;
  accessToken?: string | null;
  accessTokenExpiresAt?: Date | null;
  refreshTokenExpiresAt?: Date | null;
  accountsServer?: string | null;
  apiDomain?: string | null;
  scope?: string | null;
  /** Set when the token set comes fresh from the provider (connect flow), not from an import. */
  refreshedAt?: Date | null;
}

/** Timing rules of one check, from configuration. */
export interface CheckPolicy {
  expiryWindowMinutes: number;
  minRefreshIntervalMinutes: number;
  refreshExpiryWarningDays: number;
  leaseSeconds: number;
  /** A grant the provider refused is asked about again at most this often. */
  deadGrantRetryHours: number;
}

/** Limits a check to one client; undefined means every client. */
export interface CheckScope {
  clientId?: string;
}
