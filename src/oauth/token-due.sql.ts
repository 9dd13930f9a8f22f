import { TokenStatus } from './token-status';

/**
 * The cycle's rules (token-status.policy.ts) as SQL predicates over `oauth_tokens`,
 * shared by the sweep and the claims. Named parameters (see namedSql):
 * :cycleStart, :clientId, :windowMinutes, :minIntervalMinutes, :warningDays, :deadGrantRetryHours.
 * token-status.policy.sql.spec.ts runs them and the TypeScript rules on the same rows.
 */
export const IN_SCOPE_NOT_CHECKED = `(last_health_check IS NULL OR last_health_check < :cycleStart)
  AND (:clientId::varchar IS NULL OR client_id = :clientId)`;

const REFRESHED_RECENTLY = `COALESCE(last_refreshed_at > now() - :minIntervalMinutes::float8 * interval '1 minute', false)`;
export const ATTEMPTED_RECENTLY = `COALESCE(last_refresh_attempt_at > now() - :minIntervalMinutes::float8 * interval '1 minute', false)`;

// When a token is due for a refresh: never handed out (no access token) first, then by expiry.
// Must match the expression of ix_oauth_tokens_refresh_due, so claims walk that index.
export const DUE_AT = `(CASE WHEN access_token IS NULL THEN '-infinity'::timestamptz ELSE token_expiry END)`;
// NULL when the expiry is unknown (and an access token is stored): such a token is not due.
const DUE_WITHIN_WINDOW = `${DUE_AT} <= now() + :windowMinutes::float8 * interval '1 minute'`;

export const NEEDS_REFRESH = `(refresh_token IS NOT NULL AND COALESCE(${DUE_WITHIN_WINDOW}, false) AND NOT ${REFRESHED_RECENTLY})`;
// The same set, written so the planner can range-scan ix_oauth_tokens_refresh_due.
export const CLAIMABLE = `refresh_token IS NOT NULL AND ${DUE_WITHIN_WINDOW} AND NOT ${REFRESHED_RECENTLY}`;

export const LEASE_FREE = '(health_check_lease_until IS NULL OR health_check_lease_until < now())';
// Milliseconds, so the value survives the round trip through a JS Date and identifies the claim.
export const NEW_LEASE = `date_trunc('milliseconds', now() + :leaseSeconds::float8 * interval '1 second')`;

export const REFRESH_TOKEN_EXPIRED = 'refresh_token_expires_at <= now()';
export const REFRESH_TOKEN_EXPIRING = `refresh_token_expires_at <= now() + :warningDays::float8 * interval '1 day'`;
// The SQL twin of expiringMessage().
export const EXPIRING_MESSAGE = `'The refresh token expires on '
  || to_char(refresh_token_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ' (UTC): re-authorize before then'`;

// isDeadGrant() and isRestingDeadGrant().
export const DEAD_GRANT = `(token_status = '${TokenStatus.Invalid}' AND refresh_token IS NOT NULL
  AND NOT COALESCE(refresh_token_expires_at <= now(), false))`;
export const DEAD_GRANT_RESTING = `(${DEAD_GRANT}
  AND COALESCE(last_refresh_attempt_at > now() - :deadGrantRetryHours::float8 * interval '1 hour', false))`;
