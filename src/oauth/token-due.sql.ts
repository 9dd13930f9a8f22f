import { TokenStatus } from './token-status';

/**
 * The cycle's rules (token-status.policy.ts) as SQL predicates over `oauth_tokens`,
 * shared by the sweep and the claims. Named parameters (see namedSql):
 * :cycleStart, :clientId, :windowMinutes, :minIntervalMinutes, :warningDays, :deadGrantRetryHours.
 * token-status.policy.sql.spec.ts runs them and the TypeScript rules on the same rows.
 */
export const IN_SCOPE_NOT_CHECKED = `(last_health_check IS NULL OR last_health_check < :cycleStart)
  AND (:clientId::varchar IS NULL OR client_id = :clientId)`;

/** Where a rule is judged: at which time, under which timing rules, on which row (a column prefix such as `t.`). */
export interface DueTerms {
  now: string;
  windowMinutes: string;
  minIntervalMinutes: string;
  row: string;
}

const NOW: DueTerms = { now: 'now()', windowMinutes: ':windowMinutes', minIntervalMinutes: ':minIntervalMinutes', row: '' };

/** The due rules judged at another time or on an aliased row; the constants below are these at now(). */
export function dueRules({ now, windowMinutes, minIntervalMinutes, row }: DueTerms) {
  const recently = (column: string) => `COALESCE(${row}${column} > ${now} - ${minIntervalMinutes}::float8 * interval '1 minute', false)`;
  const dueAt = `(CASE WHEN ${row}access_token IS NULL THEN '-infinity'::timestamptz ELSE ${row}token_expiry END)`;
  // NULL when the expiry is unknown (and an access token is stored): such a token is not due.
  const dueWithinWindow = `${dueAt} <= ${now} + ${windowMinutes}::float8 * interval '1 minute'`;
  return {
    dueAt,
    attemptedRecently: recently('last_refresh_attempt_at'),
    needsRefresh: `(${row}refresh_token IS NOT NULL AND COALESCE(${dueWithinWindow}, false) AND NOT ${recently('last_refreshed_at')})`,
    claimable: `${row}refresh_token IS NOT NULL AND ${dueWithinWindow} AND NOT ${recently('last_refreshed_at')}`,
  };
}

const RULES_NOW = dueRules(NOW);

export const ATTEMPTED_RECENTLY = RULES_NOW.attemptedRecently;

// When a token is due for a refresh: never handed out (no access token) first, then by expiry.
// Must match the expression of ix_oauth_tokens_refresh_due, so claims walk that index.
export const DUE_AT = RULES_NOW.dueAt;

export const NEEDS_REFRESH = RULES_NOW.needsRefresh;
// The same set, written so the planner can range-scan ix_oauth_tokens_refresh_due.
export const CLAIMABLE = RULES_NOW.claimable;

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
