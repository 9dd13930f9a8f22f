import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { namedSql } from '../database/named-sql';
import { STATUS_PARAMETERS } from './oauth-token-rows';
import { CheckPolicy, CheckScope } from './stored-token';
import {
  ATTEMPTED_RECENTLY,
  DEAD_GRANT,
  DEAD_GRANT_RESTING,
  EXPIRING_MESSAGE,
  IN_SCOPE_NOT_CHECKED,
  NEEDS_REFRESH,
  REFRESH_TOKEN_EXPIRED,
  REFRESH_TOKEN_EXPIRING,
} from './token-due.sql';
import { NO_REFRESH_TOKEN_ERROR, REFRESH_TOKEN_EXPIRED_ERROR } from './token-status.policy';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';

/**
 * Table pages one sweep statement covers (a few thousand rows). A million-row table swept in
 * one statement outlives the pool's statement timeout and holds a million row locks; ranges of
 * pages are read in physical order, so the whole walk costs about one pass over the table.
 */
export const SWEEP_BATCH_PAGES = 500;

/**
 * The set-wise half of a cycle: every token that needs no provider call is
 * classified by three kinds of statement, each in batches of table pages.
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
      `refresh_token IS NOT NULL AND NOT ${NEEDS_REFRESH} AND NOT ${DEAD_GRANT} AND ${IN_SCOPE_NOT_CHECKED}`,
      { ...values, expiredError: REFRESH_TOKEN_EXPIRED_ERROR },
    );
    // Due for a refresh but attempted too recently (provider rate limits), or a dead grant that no check
    // without a call may revive: keep the verdict, record the check.
    const throttled = await this.updateInBatches(
      `last_health_check = now()`,
      `((${NEEDS_REFRESH} AND (${ATTEMPTED_RECENTLY} OR ${DEAD_GRANT_RESTING})) OR (${DEAD_GRANT} AND NOT ${NEEDS_REFRESH}))
        AND ${IN_SCOPE_NOT_CHECKED}`,
      values,
    );
    return missingRefreshToken + verified + throttled;
  }

  /**
   * `UPDATE oauth_tokens SET <assignments> WHERE <predicate>`: for the whole table one range of
   * pages at a time (the last range is open-ended: rows that land beyond the pages counted at the
   * start are swept too); for one client in one statement.
   */
  private async updateInBatches(assignments: string, predicate: string, values: Record<string, unknown>): Promise<number> {
    if (values.clientId !== null) {
      // One client's few rows, found through its index: one statement, no walk over the table.
      const [sql, params] = namedSql(
        `UPDATE oauth_tokens SET ${assignments}
          WHERE id IN (SELECT id FROM oauth_tokens WHERE ${predicate} FOR UPDATE SKIP LOCKED)`,
        values,
      );
      const [, affected] = await this.dataSource.query<[unknown, number]>(sql, params);
      return affected;
    }
    const { pages, sweepStart } = await this.tableAtStart();
    // A row this walk already classified may reappear in a later range (an update writes a new row
    // version, often at the table's end) and still match when the cycle's start is ahead of the
    // database's clock; its check time, from the database's clock, tells it apart.
    const notSweptYet = `(last_health_check IS NULL OR last_health_check < :sweepStart)`;
    let total = 0;
    for (let first = 0; ; first += SWEEP_BATCH_PAGES) {
      const last = first + SWEEP_BATCH_PAGES >= pages;
      const range = last ? `ctid >= :from::tid` : `ctid >= :from::tid AND ctid < :to::tid`;
      const [sql, params] = namedSql(
        `UPDATE oauth_tokens SET ${assignments}
          WHERE ${range}
            AND id IN (SELECT id FROM oauth_tokens WHERE ${range} AND ${predicate} AND ${notSweptYet} FOR UPDATE SKIP LOCKED)`,
        { ...values, sweepStart, from: `(${first},0)`, to: `(${first + SWEEP_BATCH_PAGES},0)` },
      );
      const [, affected] = await this.dataSource.query<[unknown, number]>(sql, params);
      total += affected;
      if (last) return total;
    }
  }

  private async tableAtStart(): Promise<{ pages: number; sweepStart: Date }> {
    const [row] = await this.dataSource.query<{ pages: number; sweep_start: Date }[]>(
      `SELECT (pg_relation_size('oauth_tokens') / current_setting('block_size')::int)::int AS pages, now() AS sweep_start`,
    );
    return { pages: row.pages, sweepStart: row.sweep_start };
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
    deadGrantRetryHours: policy.deadGrantRetryHours,
  };
}
