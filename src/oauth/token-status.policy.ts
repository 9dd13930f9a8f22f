import { assertNever } from '../common/assert-never';
import { OAuthProviderError, OAuthProviderErrorCode } from './oauth-provider.error';
import { CheckPolicy } from './stored-token';
import { OAuthTokenError } from './oauth-token.errors';
import { TokenStatus } from './token-status';

/**
 * The status rules in one place, as pure functions of a token's
 * stored facts. The single-token path (hand-out, registration) calls them
 * directly; the set-wise SQL of a cycle applies the same rules to many rows at
 * once and is held to these functions by a table-driven spec over the same rows.
 */

/** Errors that are ours to fix (app credentials, allowlist) start with this; alerts then say so. */
export const CONFIGURATION_ERROR_PREFIX = 'OAuth app configuration problem';

/** Stored when a token has no refresh token at all, by the set-wise sweep and by a single refresh alike. */
export const NO_REFRESH_TOKEN_ERROR = 'No refresh token is stored: the connection must be re-authorized';

/** Stored when a token's ciphertext cannot be decrypted (legacy plaintext, removed key, copied from another row). */
export const UNREADABLE_TOKEN_ERROR = 'stored token unreadable (re-register or re-connect)';

export const REFRESH_TOKEN_EXPIRED_ERROR = 'The refresh token has expired: the connection must be re-authorized';

/** Access tokens closer than this to expiry are refreshed before being handed out. */
export const HAND_OUT_MARGIN_MS = 5 * 60_000;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The columns of a token the rules look at; no secrets, only whether they are present. */
export interface TokenFacts {
  /** The stored status, before this check. */
  status: TokenStatus;
  hasRefreshToken: boolean;
  hasAccessToken: boolean;
  tokenExpiry: Date | null;
  lastRefreshedAt: Date | null;
  lastRefreshAttemptAt: Date | null;
  refreshTokenExpiresAt: Date | null;
}

export interface StatusVerdict {
  status: TokenStatus;
  /** Stored in `health_check_error`; never contains token material. */
  error: string | null;
}

/** What one check does with a token. */
export type CheckDecision =
  /** Ask the provider for a new access token. */
  | { action: 'refresh' }
  /** No provider call; store this verdict. */
  | { action: 'record'; verdict: StatusVerdict }
  /** Due, but attempted too recently (provider rate limits): keep the stored verdict, record the check. */
  | { action: 'keep' };

/** The expiring message: when a re-authorization is needed, by day (UTC). */
export function expiringMessage(refreshTokenExpiresAt: Date): string {
  return `The refresh token expires on ${refreshTokenExpiresAt.toISOString().slice(0, 10)} (UTC): re-authorize before then`;
}

/** The access token is missing or expires within the window. An unknown expiry of a stored access token is not due. */
export function isDue(facts: TokenFacts, policy: CheckPolicy, now: Date): boolean {
  if (!facts.hasAccessToken) return true;
  if (!facts.tokenExpiry) return false;
  return facts.tokenExpiry.getTime() <= now.getTime() + policy.expiryWindowMinutes * MINUTE_MS;
}

function within(at: Date | null, minutes: number, now: Date): boolean {
  return at !== null && at.getTime() > now.getTime() - minutes * MINUTE_MS;
}

/** A check calls the provider for this token (ignoring the attempt throttle). */
export function needsRefresh(facts: TokenFacts, policy: CheckPolicy, now: Date): boolean {
  return facts.hasRefreshToken && isDue(facts, policy, now) && !within(facts.lastRefreshedAt, policy.minRefreshIntervalMinutes, now);
}

/**
 * The provider refused this refresh token and nothing replaced it since (a re-registration or a
 * connect stores a new one as healthy). A refresh token past its known expiry is judged by that instead.
 */
export function isDeadGrant(facts: Pick<TokenFacts, 'status' | 'hasRefreshToken' | 'refreshTokenExpiresAt'>, now: Date): boolean {
  const expired = facts.refreshTokenExpiresAt !== null && facts.refreshTokenExpiresAt.getTime() <= now.getTime();
  return facts.status === TokenStatus.Invalid && facts.hasRefreshToken && !expired;
}

/** A dead grant asked about less than `deadGrantRetryHours` ago: no provider call, by anyone. */
export function isRestingDeadGrant(
  facts: Pick<TokenFacts, 'status' | 'hasRefreshToken' | 'refreshTokenExpiresAt' | 'lastRefreshAttemptAt'>,
  policy: Pick<CheckPolicy, 'deadGrantRetryHours'>,
  now: Date,
): boolean {
  return isDeadGrant(facts, now) && within(facts.lastRefreshAttemptAt, policy.deadGrantRetryHours * 60, now);
}

/** The whole decision of one check, as the cycle's SQL makes it for many rows. */
export function decideCheck(facts: TokenFacts, policy: CheckPolicy, now: Date): CheckDecision {
  if (!facts.hasRefreshToken) return { action: 'record', verdict: { status: TokenStatus.Invalid, error: NO_REFRESH_TOKEN_ERROR } };
  // A dead grant leaves invalid only through the provider's own yes: never by a check without a call.
  if (isDeadGrant(facts, now) && (isRestingDeadGrant(facts, policy, now) || !needsRefresh(facts, policy, now))) return { action: 'keep' };
  if (!needsRefresh(facts, policy, now)) return { action: 'record', verdict: verdictWithoutCall(facts.refreshTokenExpiresAt, policy, now) };
  if (within(facts.lastRefreshAttemptAt, policy.minRefreshIntervalMinutes, now)) return { action: 'keep' };
  return { action: 'refresh' };
}

/** A token that needs no provider call: judged by its refresh token's known expiry alone. */
export function verdictWithoutCall(refreshTokenExpiresAt: Date | null, policy: CheckPolicy, now: Date): StatusVerdict {
  if (refreshTokenExpiresAt && refreshTokenExpiresAt.getTime() <= now.getTime()) {
    return { status: TokenStatus.Invalid, error: REFRESH_TOKEN_EXPIRED_ERROR };
  }
  return statusAfterRefresh(refreshTokenExpiresAt, policy, now);
}

/** After the provider accepted the refresh token: healthy, or expiring when its known expiry is inside the warning period. */
export function statusAfterRefresh(refreshTokenExpiresAt: Date | null | undefined, policy: CheckPolicy, now: Date): StatusVerdict {
  if (refreshTokenExpiresAt && refreshTokenExpiresAt.getTime() <= now.getTime() + policy.refreshExpiryWarningDays * DAY_MS) {
    return { status: TokenStatus.Expiring, error: expiringMessage(refreshTokenExpiresAt) };
  }
  return { status: TokenStatus.Healthy, error: null };
}

/** Before handing an access token out: refresh when there is none or it expires within the margin. */
export function needsRefreshBeforeHandOut(facts: Pick<TokenFacts, 'hasAccessToken' | 'tokenExpiry'>, now: Date): boolean {
  if (!facts.hasAccessToken) return true;
  return facts.tokenExpiry !== null && facts.tokenExpiry.getTime() <= now.getTime() + HAND_OUT_MARGIN_MS;
}

/** Maps a failed refresh to the token's status. */
export function verdictForFailure(error: unknown): StatusVerdict & { error: string } {
  if (OAuthTokenError.isUnreadable(error)) return { status: TokenStatus.RefreshFailed, error: UNREADABLE_TOKEN_ERROR };
  if (!(error instanceof OAuthProviderError)) {
    return { status: TokenStatus.RefreshFailed, error: `Unexpected error during refresh: ${describe(error)}` };
  }
  switch (error.code) {
    case OAuthProviderErrorCode.DeadGrant:
      return { status: TokenStatus.Invalid, error: `The provider rejected the refresh token: ${error.message}` };
    case OAuthProviderErrorCode.Configuration:
      return { status: TokenStatus.RefreshFailed, error: `${CONFIGURATION_ERROR_PREFIX}: ${error.message}` };
    case OAuthProviderErrorCode.Transient:
      return { status: TokenStatus.RefreshFailed, error: `Refresh failed, will retry: ${error.message}` };
    // Only reached when a throttle outlives every re-queue (the checker keeps the stored verdict before that).
    case OAuthProviderErrorCode.Throttled:
      return { status: TokenStatus.RefreshFailed, error: `Refresh throttled by the provider, will retry: ${error.message}` };
    default:
      return assertNever(error.code);
  }
}

/**
 * The status a failed refresh leaves: a dead grant stays dead whatever else goes wrong at its retry
 * (a provider outage, a timeout), with its stored reason, so it is neither hidden nor alerted again.
 */
export function failureVerdictFor(
  stored: { status: TokenStatus; error: string | null },
  failure: StatusVerdict & { error: string },
): StatusVerdict & { error: string } {
  if (stored.status !== TokenStatus.Invalid || failure.status === TokenStatus.Invalid) return failure;
  return { status: TokenStatus.Invalid, error: stored.error ?? failure.error };
}

/** A status the checker counts as a working connection. */
export function isWorking(status: TokenStatus): boolean {
  return status === TokenStatus.Healthy || status === TokenStatus.Expiring;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.name + (error.message ? `: ${error.message.slice(0, 200)}` : '') : 'unknown error';
}
