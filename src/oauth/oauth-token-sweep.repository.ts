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
import { ReservedPool } from '../database/reserved-pool';

/**
 * Table pages one sweep statement covers (a few thousand rows). A million-row table swept in
 * one statement outlives the pool's statement timeout and holds a million row locks; ranges of
 * pages are read in physical order, so the whole walk costs about one pass over the table.
 */
export const SWEEP_BATCH_PAGES = 500;

/** Whole-fleet sweeps kept; a row's effective check time is the newest of them that examined it. */
export const SWEEPS_KEPT = 1000;

/** The verdict a sweep statement stores, as SQL; a statement given none keeps the stored verdict. */
interface Verdict {
  status: string;
  error: string;
  /** Written even when unchanged, so the row's own check time records the check. */
  write?: boolean;
}

/**
 * The set-wise half of a cycle: every token that needs no provider call is
 * classified by three kinds of statement, each in batches of table pages.
 * A whole-fleet sweep writes only the rows whose verdict changes and records
 * itself in `token_health_sweeps`, which stands for the check of every row it
 * left as it was (effective-health-check.sql.ts). A one-client sweep writes its
 * few rows. SKIP LOCKED: a row locked by a claim or a write in flight belongs to that one.
 */
@Injectable()
export class OAuthTokenSweepRepository {
  private readonly dataSource: DataSource;

  // The reserved pool: a cycle's sweep runs beside its claims and must not wait behind API work.
  constructor(reserved: ReservedPool) {
    this.dataSource = reserved.dataSource;
  }

  /** Classifies every token in scope that needs no provider call; returns how many rows it examined. */
  async classifyWithoutProviderCall(cycleStart: Date, scope: CheckScope, policy: CheckPolicy): Promise<number> {
    const values = { ...sweepValues(cycleStart, scope, policy), ...STATUS_PARAMETERS };
    const sweepStart = await this.databaseNow();
    const missingRefreshToken = await this.classifyInBatches(
      { status: ':invalid', error: ':noRefreshTokenError' },
      `refresh_token IS NULL AND ${IN_SCOPE_NOT_CHECKED}`,
      { ...values, noRefreshTokenError: NO_REFRESH_TOKEN_ERROR },
    );
    const verified = await this.classifyInBatches(
      {
        status: `CASE WHEN ${REFRESH_TOKEN_EXPIRED} THEN :invalid WHEN ${REFRESH_TOKEN_EXPIRING} THEN :expiring ELSE :healthy END`,
        error: `CASE WHEN ${REFRESH_TOKEN_EXPIRED} THEN :expiredError WHEN ${REFRESH_TOKEN_EXPIRING} THEN ${EXPIRING_MESSAGE} ELSE NULL END`,
      },
      `refresh_token IS NOT NULL AND NOT ${NEEDS_REFRESH} AND NOT ${DEAD_GRANT} AND ${IN_SCOPE_NOT_CHECKED}`,
      { ...values, expiredError: REFRESH_TOKEN_EXPIRED_ERROR },
    );
    // Due for a refresh but attempted too recently (provider rate limits): keep the verdict, record the check.
    const throttled = await this.classifyInBatches(null, `${NEEDS_REFRESH} AND ${ATTEMPTED_RECENTLY} AND ${IN_SCOPE_NOT_CHECKED}`, values);
    // A dead grant that no check without a call may revive: keep the verdict, record the check on the row
    // (a sweep's watermark does not know the retry period). Few rows.
    const deadGrants = await this.classifyInBatches(
      { status: 'token_status', error: 'health_check_error', write: true },
      `${DEAD_GRANT} AND NOT (${NEEDS_REFRESH} AND ${ATTEMPTED_RECENTLY}) AND (${DEAD_GRANT_RESTING} OR NOT ${NEEDS_REFRESH})
        AND ${IN_SCOPE_NOT_CHECKED}`,
      values,
    );
    if (scope.clientId === undefined) await this.recordSweep(sweepStart, policy);
    return missingRefreshToken + verified + throttled + deadGrants;
  }

  /** For one client: one statement writing every matching row, found through its index. For the fleet: see below. */
  private async classifyInBatches(verdict: Verdict | null, predicate: string, values: Record<string, unknown>): Promise<number> {
    const assignments = `last_health_check = now()${verdict ? `, token_status = ${verdict.status}, health_check_error = ${verdict.error}` : ''}`;
    if (values.clientId !== null) {
      const [sql, params] = namedSql(
        `UPDATE oauth_tokens SET ${assignments}
          WHERE id IN (SELECT id FROM oauth_tokens WHERE ${predicate} FOR UPDATE SKIP LOCKED)`,
        values,
      );
      const [, affected] = await this.dataSource.query<[unknown, number]>(sql, params);
      return affected;
    }
    const changes = verdict?.write
      ? 'true'
      : verdict
        ? `(token_status IS DISTINCT FROM ${verdict.status} OR health_check_error IS DISTINCT FROM ${verdict.error})`
        : 'false';
    return this.walkTable(assignments, predicate, changes, values);
  }

  /**
   * The whole table one range of pages at a time (the last range is open-ended: rows that land
   * beyond the pages counted at the start are swept too). Each statement writes the rows whose
   * verdict changes and counts the ones it leaves unchanged, without locking or touching them.
   */
  private async walkTable(assignments: string, predicate: string, changes: string, values: Record<string, unknown>): Promise<number> {
    const { pages, sweepStart } = await this.tableAtStart();
    // A row this walk already wrote may reappear in a later range (an update writes a new row
    // version, often at the table's end) and still match when the cycle's start is ahead of the
    // database's clock; its check time, from the database's clock, tells it apart.
    const notSweptYet = `(last_health_check IS NULL OR last_health_check < :sweepStart)`;
    let total = 0;
    for (let first = 0; ; first += SWEEP_BATCH_PAGES) {
      const last = first + SWEEP_BATCH_PAGES >= pages;
      const range = last ? `ctid >= :from::tid` : `ctid >= :from::tid AND ctid < :to::tid`;
      const matching = `${range} AND ${predicate} AND ${notSweptYet}`;
      const [sql, params] = namedSql(
        `WITH written AS (
           UPDATE oauth_tokens SET ${assignments}
            WHERE ${range}
              AND id IN (SELECT id FROM oauth_tokens WHERE ${matching} AND ${changes} FOR UPDATE SKIP LOCKED)
           RETURNING 1)
         SELECT ((SELECT count(*) FROM written) + (SELECT count(*) FROM oauth_tokens WHERE ${matching} AND NOT ${changes}))::int AS examined`,
        { ...values, sweepStart, from: `(${first},0)`, to: `(${first + SWEEP_BATCH_PAGES},0)` },
      );
      const [{ examined }] = await this.dataSource.query<{ examined: number }[]>(sql, params);
      total += examined;
      if (last) return total;
    }
  }

  // Recorded once the walk is done: a sweep that failed half-way stands for no row's check.
  private async recordSweep(startedAt: Date, policy: CheckPolicy): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO token_health_sweeps (started_at, expiry_window_minutes, min_refresh_interval_minutes) VALUES ($1, $2, $3)`,
      [startedAt, policy.expiryWindowMinutes, policy.minRefreshIntervalMinutes],
    );
    await this.dataSource.query(`DELETE FROM token_health_sweeps WHERE id <= (SELECT max(id) FROM token_health_sweeps) - $1`, [SWEEPS_KEPT]);
  }

  private async databaseNow(): Promise<Date> {
    const [row] = await this.dataSource.query<{ now: Date }[]>('SELECT now() AS now');
    return row.now;
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
