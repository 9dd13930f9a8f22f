import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CONFIGURATION_ERROR_PREFIX } from './token-status.policy';
import { TokenStatus } from './token-status';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';

/** What one provider's refreshes did in the last minutes, read from the tokens' stored state. */
export interface ProviderRefreshTally {
  provider: string;
  /** Tokens whose last refresh attempt (by a cycle, a hand-out or a registration, on any replica) falls in the window. */
  attempts: number;
  /** …of which ended `refresh_failed` for a reason outside us (not our app configuration). */
  transientFailures: number;
  /** …of which the provider answered with a new token. */
  successes: number;
  /** Tokens of the provider leased by someone right now, so their result is not in yet. */
  inFlight: number;
}

/** One tally, read at the database's `at`. */
export interface RefreshWindow {
  at: Date;
  tallies: ProviderRefreshTally[];
}

/** One row of tallyWindow's statement. */
interface TallyRow {
  provider: string;
  at: Date;
  attempts: number;
  transient_failures: number;
  successes: number;
  in_flight: number;
}

/**
 * A failure the provider caused (5xx, timeout, network, 429, malformed answer) rather
 * than a dead grant (`invalid`) or our app configuration. Over `oauth_tokens` columns.
 */
export const TRANSIENT_FAILURE_SQL = `(token_status = '${TokenStatus.RefreshFailed}'
  AND COALESCE(health_check_error NOT LIKE '${CONFIGURATION_ERROR_PREFIX.replace(/'/g, "''")}%', true))`;

const IN_WINDOW = `last_refresh_attempt_at > now() - $1::float8 * interval '1 minute'`;

/**
 * Reads per-provider refresh outcomes of a sliding window from `oauth_tokens` after the
 * fact: each token counts once, by its latest attempt, whoever made it, so every
 * replica's cycles and hand-outs are in it and no code path has to report to it.
 */
@Injectable()
export class RefreshTallyRepository {
  constructor(@InjectTokenHealthDataSource() private readonly dataSource: DataSource) {}

  async tallyWindow(windowMinutes: number): Promise<RefreshWindow> {
    const rows = await this.dataSource.query<TallyRow[]>(
      `SELECT provider, now() AS at,
              count(*) FILTER (WHERE ${IN_WINDOW})::int AS attempts,
              count(*) FILTER (WHERE ${IN_WINDOW} AND ${TRANSIENT_FAILURE_SQL})::int AS transient_failures,
              count(*) FILTER (WHERE ${IN_WINDOW} AND last_refreshed_at >= last_refresh_attempt_at)::int AS successes,
              count(*) FILTER (WHERE health_check_lease_until > now())::int AS in_flight
         FROM oauth_tokens
        GROUP BY provider
        ORDER BY provider`,
      [windowMinutes],
    );
    const at = rows[0]?.at ?? (await this.databaseNow());
    const tallies = rows.map((row) => ({
      provider: row.provider,
      attempts: row.attempts,
      transientFailures: row.transient_failures,
      successes: row.successes,
      inFlight: row.in_flight,
    }));
    return { at, tallies };
  }

  private async databaseNow(): Promise<Date> {
    const [{ now }] = await this.dataSource.query<{ now: Date }[]>('SELECT now() AS now');
    return now;
  }
}
