import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { namedSql } from '../database/named-sql';
import { STATUS_PARAMETERS } from './oauth-token-rows';
import { CheckPolicy, CheckScope } from './stored-token';
import {
  ATTEMPTED_RECENTLY,
  EXPIRING_MESSAGE,
  IN_SCOPE_NOT_CHECKED,
  NEEDS_REFRESH,
  REFRESH_TOKEN_EXPIRED,
  REFRESH_TOKEN_EXPIRING,
} from './token-due.sql';
import { NO_REFRESH_TOKEN_ERROR, REFRESH_TOKEN_EXPIRED_ERROR } from './token-status.policy';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';

/**
 * The set-wise half of a cycle: every token that needs no provider call is
 * classified in three statements. SKIP LOCKED: a row locked by a claim or a
 * write in flight belongs to that one.
 */
@Injectable()
export class OAuthTokenSweepRepository {
  constructor(@InjectTokenHealthDataSource() private readonly dataSource: DataSource) {}

  /** Classifies every token in scope that needs no provider call; returns how many rows it touched. */
  async classifyWithoutProviderCall(cycleStart: Date, scope: CheckScope, policy: CheckPolicy): Promise<number> {
    const values = { ...sweepValues(cycleStart, scope, policy), ...STATUS_PARAMETERS };
    const missingRefreshToken = await this.update(
      `UPDATE oauth_tokens SET token_status = :invalid, last_health_check = now(),
         health_check_error = :noRefreshTokenError
       WHERE id IN (SELECT id FROM oauth_tokens WHERE refresh_token IS NULL AND ${IN_SCOPE_NOT_CHECKED}
                    FOR UPDATE SKIP LOCKED)`,
      { ...values, noRefreshTokenError: NO_REFRESH_TOKEN_ERROR },
    );
    const verified = await this.update(
      `UPDATE oauth_tokens SET last_health_check = now(),
         token_status = CASE WHEN ${REFRESH_TOKEN_EXPIRED} THEN :invalid
                             WHEN ${REFRESH_TOKEN_EXPIRING} THEN :expiring ELSE :healthy END,
         health_check_error = CASE WHEN ${REFRESH_TOKEN_EXPIRED} THEN :expiredError
                                   WHEN ${REFRESH_TOKEN_EXPIRING} THEN ${EXPIRING_MESSAGE} ELSE NULL END
       WHERE id IN (SELECT id FROM oauth_tokens
                     WHERE refresh_token IS NOT NULL AND NOT ${NEEDS_REFRESH} AND ${IN_SCOPE_NOT_CHECKED}
                     FOR UPDATE SKIP LOCKED)`,
      { ...values, expiredError: REFRESH_TOKEN_EXPIRED_ERROR },
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

  private async update(text: string, values: Record<string, unknown>): Promise<number> {
    const [sql, params] = namedSql(text, values);
    const [, affected] = await this.dataSource.query<[unknown, number]>(sql, params);
    return affected;
  }
}

/** The named parameters of the predicates in token-due.sql.ts. */
export function sweepValues(cycleStart: Date, scope: CheckScope, policy: CheckPolicy): Record<string, unknown> {
  return {
    cycleStart,
    clientId: scope.clientId ?? null,
    windowMinutes: policy.expiryWindowMinutes,
    minIntervalMinutes: policy.minRefreshIntervalMinutes,
    warningDays: policy.refreshExpiryWarningDays,
  };
}
