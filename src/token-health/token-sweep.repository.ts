import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { namedSql } from '../database/named-sql';
import { NO_REFRESH_TOKEN_ERROR } from '../oauth/refresh-verdict';
import { CheckPolicy, CheckScope } from '../oauth/stored-token';

// Predicates shared by the statements below (named parameters, see namedSql).
const IN_SCOPE_NOT_CHECKED = `(last_health_check IS NULL OR last_health_check < :cycleStart)
  AND (:clientId::varchar IS NULL OR client_id = :clientId)`;
const REFRESHED_RECENTLY = `COALESCE(last_refreshed_at > now() - :minIntervalMinutes::float8 * interval '1 minute', false)`;
const ATTEMPTED_RECENTLY = `COALESCE(last_refresh_attempt_at > now() - :minIntervalMinutes::float8 * interval '1 minute', false)`;
// When a token is due for a refresh: never handed out (no access token) first, then by expiry.
// Must match the expression of ix_oauth_tokens_refresh_due, so claims walk that index.
const DUE_AT = `(CASE WHEN access_token IS NULL THEN '-infinity'::timestamptz ELSE token_expiry END)`;
// NULL when the expiry is unknown (and an access token is stored): such a token is not due.
const DUE_WITHIN_WINDOW = `${DUE_AT} <= now() + :windowMinutes::float8 * interval '1 minute'`;
const NEEDS_REFRESH = `(refresh_token IS NOT NULL AND COALESCE(${DUE_WITHIN_WINDOW}, false) AND NOT ${REFRESHED_RECENTLY})`;
// The same set, written so the planner can range-scan ix_oauth_tokens_refresh_due.
const CLAIMABLE = `refresh_token IS NOT NULL AND ${DUE_WITHIN_WINDOW} AND NOT ${REFRESHED_RECENTLY}`;
const REFRESH_TOKEN_EXPIRED = 'refresh_token_expires_at <= now()';
const REFRESH_TOKEN_EXPIRING = `refresh_token_expires_at <= now() + :warningDays::float8 * interval '1 day'`;

/**
 * Set-wise SQL of one check cycle. Tokens that need no provider call are
 * classified in a few statements; tokens that need a refresh are claimed in
 * batches with a lease, so replicas split them and a crashed replica's claim
 * expires. SKIP LOCKED everywhere: a row locked by a refresh in flight belongs to it.
 */
@Injectable()
export class TokenSweepRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Classifies every token that needs no provider call; returns how many rows it touched. */
  async classifyWithoutProviderCall(cycleStart: Date, scope: CheckScope, policy: CheckPolicy): Promise<number> {
    const values = this.values(cycleStart, scope, policy);
    const missingRefreshToken = await this.update(
      `UPDATE oauth_tokens SET token_status = 'invalid', last_health_check = now(),
         health_check_error = :noRefreshTokenError
       WHERE id IN (SELECT id FROM oauth_tokens WHERE refresh_token IS NULL AND ${IN_SCOPE_NOT_CHECKED}
                    FOR UPDATE SKIP LOCKED)`,
      { ...values, noRefreshTokenError: NO_REFRESH_TOKEN_ERROR },
    );
    const verified = await this.update(
      `UPDATE oauth_tokens SET last_health_check = now(),
         token_status = CASE WHEN ${REFRESH_TOKEN_EXPIRED} THEN 'invalid'
                             WHEN ${REFRESH_TOKEN_EXPIRING} THEN 'expiring' ELSE 'healthy' END,
         health_check_error = CASE
           WHEN ${REFRESH_TOKEN_EXPIRED} THEN 'The refresh token has expired: the connection must be re-authorized'
           WHEN ${REFRESH_TOKEN_EXPIRING} THEN 'The refresh token expires on '
             || to_char(refresh_token_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ' (UTC): re-authorize before then'
           ELSE NULL END
       WHERE id IN (SELECT id FROM oauth_tokens
                     WHERE refresh_token IS NOT NULL AND NOT ${NEEDS_REFRESH} AND ${IN_SCOPE_NOT_CHECKED}
                     FOR UPDATE SKIP LOCKED)`,
      values,
    );
    // Due for a refresh but attempted too recently (provider rate limits): keep the verdict, record the check.
    const throttled = await this.update(
      `UPDATE oauth_tokens SET last_health_check = now()
       WHERE id IN (SELECT id FROM oauth_tokens
                     WHERE ${NEEDS_REFRESH} AND ${ATTEMPTED_RECENTLY} AND ${IN_SCOPE_NOT_CHECKED}
                     FOR UPDATE SKIP LOCKED)`,
      values,
    );
    return missingRefreshToken + verified + throttled;
  }

  /** Leases up to `limit` tokens that need a provider refresh in this cycle and returns their ids. */
  async claimForRefresh(cycleStart: Date, scope: CheckScope, policy: CheckPolicy, limit: number): Promise<string[]> {
    const [sql, params] = namedSql(
      `UPDATE oauth_tokens t SET health_check_lease_until = now() + :leaseSeconds::float8 * interval '1 second'
       FROM (SELECT id FROM oauth_tokens
              WHERE ${CLAIMABLE} AND NOT ${ATTEMPTED_RECENTLY} AND ${IN_SCOPE_NOT_CHECKED}
                AND (health_check_lease_until IS NULL OR health_check_lease_until < now())
              ORDER BY ${DUE_AT}, id
              LIMIT :limit
              FOR UPDATE SKIP LOCKED) claimed
       WHERE t.id = claimed.id
       RETURNING t.id`,
      { ...this.values(cycleStart, scope, policy), leaseSeconds: policy.leaseSeconds, limit },
    );
    const [rows] = await this.dataSource.query(sql, params);
    return (rows as { id: string }[]).map((row) => row.id);
  }

  private async update(text: string, values: Record<string, unknown>): Promise<number> {
    const [sql, params] = namedSql(text, values);
    const [, affected] = await this.dataSource.query(sql, params);
    return affected as number;
  }

  private values(cycleStart: Date, scope: CheckScope, policy: CheckPolicy): Record<string, unknown> {
    return {
      cycleStart,
      clientId: scope.clientId ?? null,
      windowMinutes: policy.expiryWindowMinutes,
      minIntervalMinutes: policy.minRefreshIntervalMinutes,
      warningDays: policy.refreshExpiryWarningDays,
    };
  }
}
