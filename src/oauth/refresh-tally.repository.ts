import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CONFIGURATION_ERROR_PREFIX } from './token-status.policy';
import { TokenStatus } from './token-status';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';

/** What one provider's refreshes did since a cycle began, read from the tokens' stored state. */
export interface ProviderRefreshTally {
  provider: string;
  /** Tokens whose last refresh attempt falls in the cycle. */
  attempts: number;
  /** …of which ended `refresh_failed` for a reason outside us (not our app configuration). */
  transientFailures: number;
  /** …of which the provider answered with a new token. */
  successes: number;
  /** Tokens of the provider claimed by some checker right now, so their result is not in yet. */
  inFlight: number;
  /** Tokens of the provider currently `refresh_failed` for a transient reason, whenever attempted. */
  failingNow: number;
}

/** One row of tallySince's statement. */
interface TallyRow {
  provider: string;
  attempts: number;
  transient_failures: number;
  successes: number;
  in_flight: number;
  failing_now: number;
}

/**
 * A failure the provider caused (5xx, timeout, network, 429, malformed answer) rather
 * than a dead grant (`invalid`) or our app configuration. Over `oauth_tokens` columns.
 */
export const TRANSIENT_FAILURE_SQL = `(token_status = '${TokenStatus.RefreshFailed}'
  AND COALESCE(health_check_error NOT LIKE '${CONFIGURATION_ERROR_PREFIX.replace(/'/g, "''")}%', true))`;

/**
 * Reads per-provider refresh outcomes of a cycle from `oauth_tokens` after the
 * fact, so it counts every replica's refreshes and needs nothing from the code
 * path that performs them.
 */
@Injectable()
export class RefreshTallyRepository {
  constructor(@InjectTokenHealthDataSource() private readonly dataSource: DataSource) {}

  async tallySince(cycleStart: Date): Promise<ProviderRefreshTally[]> {
    const rows = await this.dataSource.query<TallyRow[]>(
      `SELECT provider,
              count(*) FILTER (WHERE last_refresh_attempt_at >= $1)::int AS attempts,
              count(*) FILTER (WHERE last_refresh_attempt_at >= $1 AND ${TRANSIENT_FAILURE_SQL})::int AS transient_failures,
              count(*) FILTER (WHERE last_refresh_attempt_at >= $1 AND last_refreshed_at >= $1)::int AS successes,
              count(*) FILTER (WHERE health_check_lease_until > now())::int AS in_flight,
              count(*) FILTER (WHERE ${TRANSIENT_FAILURE_SQL})::int AS failing_now
         FROM oauth_tokens
        GROUP BY provider
        ORDER BY provider`,
      [cycleStart],
    );
    return rows.map((row) => ({
      provider: row.provider,
      attempts: row.attempts,
      transientFailures: row.transient_failures,
      successes: row.successes,
      inFlight: row.in_flight,
      failingNow: row.failing_now,
    }));
  }
}
