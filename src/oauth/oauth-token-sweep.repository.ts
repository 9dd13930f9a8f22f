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
 * Rows one sweep statement classifies. A million-row table swept in one statement outlives
 * the pool's statement timeout (and holds a million row locks); batches walked along the
 * primary key each finish in a fraction of a second.
 */
export const SWEEP_BATCH_ROWS = 5000;

/** Below every id `gen_random_uuid()` yields: where the walk along the primary key starts. */
const BEFORE_FIRST_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The set-wise half of a cycle: every token that needs no provider call is
 * classified by three kinds of statement, each in batches along the primary key.
 * SKIP LOCKED: a row locked by a claim or a write in flight belongs to that one.
 */
@Injectable()
export class OAuthTokenSweepRepository {
  constructor(@InjectTokenHealthDataSource() private readonly dataSource: DataSource) {}

  /** Classifies every token in scope that needs no provider call; returns how many rows it touched. */
  async classifyWithoutProviderCall(cycleStart: Date, scope: CheckScope, policy: CheckPolicy): Promise<number> {
    const values = { ...sweepValues(cycleStart, scope, policy), ...STATUS_PARAMETERS };
    const missingRefreshToken = await this.updateInBatches(
      `token_status = :invalid, last_health_check = now(), health_check_error = :noRefreshTokenError`,
      `refresh_token IS NULL AND ${IN_SCOPE_NOT_CHECKED}`,
      { ...values, noRefreshTokenError: NO_REFRESH_TOKEN_ERROR },
    );
    const verified = await this.updateInBatches(
      `last_health_check = now(),
         token_status = CASE WHEN ${REFRESH_TOKEN_EXPIRED} THEN :invalid
                             WHEN ${REFRESH_TOKEN_EXPIRING} THEN :expiring ELSE :healthy END,
         health_check_error = CASE WHEN ${REFRESH_TOKEN_EXPIRED} THEN :expiredError
                                   WHEN ${REFRESH_TOKEN_EXPIRING} THEN ${EXPIRING_MESSAGE} ELSE NULL END`,
      `refresh_token IS NOT NULL AND NOT ${NEEDS_REFRESH} AND ${IN_SCOPE_NOT_CHECKED}`,
      { ...values, expiredError: REFRESH_TOKEN_EXPIRED_ERROR },
    );
    // Due for a refresh but attempted too recently (provider rate limits): keep the verdict, record the check.
    const throttled = await this.updateInBatches(
      `last_health_check = now()`,
      `${NEEDS_REFRESH} AND ${ATTEMPTED_RECENTLY} AND ${IN_SCOPE_NOT_CHECKED}`,
      values,
    );
    return missingRefreshToken + verified + throttled;
  }

  /** `UPDATE oauth_tokens SET <assignments> WHERE <predicate>`, one batch of rows at a time in id order. */
  private async updateInBatches(assignments: string, predicate: string, values: Record<string, unknown>): Promise<number> {
    let after = BEFORE_FIRST_ID;
    let total = 0;
    for (;;) {
      const [sql, params] = namedSql(
        `WITH batch AS (
           SELECT id FROM oauth_tokens WHERE id > :after::uuid AND ${predicate}
            ORDER BY id LIMIT :batchRows FOR UPDATE SKIP LOCKED),
         updated AS (
           UPDATE oauth_tokens SET ${assignments} WHERE id IN (SELECT id FROM batch) RETURNING id)
         SELECT (SELECT count(*)::int FROM updated) AS updated,
                (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last_id`,
        { ...values, after, batchRows: SWEEP_BATCH_ROWS },
      );
      const [row] = await this.dataSource.query<{ updated: number; last_id: string | null }[]>(sql, params);
      total += row.updated;
      if (row.last_id === null || row.updated < SWEEP_BATCH_ROWS) return total;
      after = row.last_id;
    }
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
