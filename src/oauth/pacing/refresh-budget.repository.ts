import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReservedPool } from '../../database/reserved-pool';

/** What one budget allows, as configured or preset; undefined means no limit of that kind. */
export interface BudgetLimits {
  maxRate?: number;
  maxConcurrency?: number;
}

export interface GrantRequest extends BudgetLimits {
  key: string;
  replica: string;
  /** Requests this replica has in flight to the provider right now. */
  inFlight: number;
  want: number;
  /** Answers (not throttles) since the last grant: each raises an adapted rate a little. */
  answered: number;
}

export interface Grant {
  granted: number;
  /** The rate now in force; null: no limit (none configured, no throttle seen). */
  rate: number | null;
  pausedUntil: Date | null;
  /** Permits left in the bucket after this grant (may be below zero after a pause). */
  remaining: number;
}

export interface BudgetState {
  key: string;
  rate: number | null;
  pausedUntil: Date | null;
  throttledTotal: number;
  lastThrottledAt: Date | null;
  /** The rate was lowered twice within 5 minutes and the last time within a minute: pacing alone did not stop the throttling. */
  throttling: boolean;
}

// The bucket holds at most this many seconds of its rate: bursts stay small.
const BURST_SECONDS = 0.2;
// Additive increase: each answer that came back raises an adapted rate by this many requests/s.
const INCREASE_PER_ANSWER = 0.01;
// Multiplicative decrease on a throttle, at most once a second (a burst of throttles is one signal).
const DECREASE_FACTOR = 0.7;
const MIN_RATE = 0.5;

/**
 * Refresh budgets shared by every replica through the database they already share: a token-bucket
 * row per provider, granted from atomically (row lock, one statement), and each replica's requests
 * in flight, counted while the replica keeps reporting.
 */
@Injectable()
export class RefreshBudgetRepository {
  private readonly reserved: DataSource;

  constructor(reserved: ReservedPool) {
    this.reserved = reserved.dataSource;
  }

  async ensure(key: string): Promise<void> {
    await this.reserved.query('INSERT INTO provider_refresh_budgets (budget_key) VALUES ($1) ON CONFLICT DO NOTHING', [key]);
  }

  /** Takes up to `want` permits: none while paused, at most what the bucket holds and the concurrency leaves. */
  async grant(request: GrantRequest, staleSeconds: number): Promise<Grant> {
    // An UPDATE … RETURNING answers [rows, affected] through TypeORM.
    const [rows] = await this.reserved.query<[{ granted: number; rate: number | null; paused_until: Date | null; remaining: number }[], number]>(
      `WITH presence AS (
         INSERT INTO provider_refresh_in_flight (budget_key, replica, in_flight, seen_at)
         VALUES ($1, $2, $3, clock_timestamp())
         ON CONFLICT (budget_key, replica) DO UPDATE SET in_flight = EXCLUDED.in_flight, seen_at = EXCLUDED.seen_at
       ),
       others AS (
         SELECT coalesce(sum(in_flight), 0)::int AS n FROM provider_refresh_in_flight
          WHERE budget_key = $1 AND replica <> $2 AND seen_at > clock_timestamp() - make_interval(secs => $9)
       ),
       current AS (
         SELECT b.budget_key, clock_timestamp() AS at, b.paused_until, b.tokens, b.refilled_at,
                CASE WHEN b.rate IS NULL THEN $5::float8
                     ELSE least(coalesce($5::float8, 'Infinity'), b.rate + $7::float8 * $8::float8) END AS rate
           FROM provider_refresh_budgets b WHERE b.budget_key = $1 FOR UPDATE
       ),
       filled AS (
         SELECT c.*, CASE WHEN c.rate IS NULL THEN $4::float8
                          ELSE least(greatest(1, c.rate * $10::float8), c.tokens + c.rate * extract(epoch FROM c.at - c.refilled_at)) END AS available
           FROM current c
       ),
       granting AS (
         SELECT f.*, CASE WHEN f.paused_until > f.at THEN 0
                          ELSE greatest(0, least($4::float8, floor(f.available), coalesce($6::float8, 'Infinity') - o.n - $3))::int END AS granted
           FROM filled f, others o
       )
       UPDATE provider_refresh_budgets b
          SET tokens = CASE WHEN g.rate IS NULL THEN 0 ELSE g.available - g.granted END,
              refilled_at = g.at,
              rate = CASE WHEN b.rate IS NULL THEN NULL ELSE g.rate END
         FROM granting g
        WHERE b.budget_key = g.budget_key
        RETURNING g.granted, g.rate, g.paused_until, CASE WHEN g.rate IS NULL THEN 0 ELSE g.available - g.granted END AS remaining`,
      [
        request.key,
        request.replica,
        request.inFlight,
        request.want,
        request.maxRate ?? null,
        request.maxConcurrency ?? null,
        request.answered,
        INCREASE_PER_ANSWER,
        staleSeconds,
        BURST_SECONDS,
      ],
    );
    const row = rows[0];
    if (!row) return { granted: 0, rate: null, pausedUntil: null, remaining: 0 };
    return { granted: row.granted, rate: row.rate, pausedUntil: row.paused_until, remaining: row.remaining };
  }

  /**
   * A throttle: nothing goes to the provider before `pauseSeconds` have passed (every replica), and
   * the rate drops to 70 % of what was observed (or of the rate in force, if lower).
   */
  async throttled(key: string, pauseSeconds: number, observedRate: number, maxRate: number | undefined): Promise<void> {
    await this.reserved.query(
      `UPDATE provider_refresh_budgets SET
         paused_until = greatest(coalesce(paused_until, '-infinity'), clock_timestamp() + make_interval(secs => $2)),
         tokens = 0,
         rate = CASE WHEN rate_lowered_at > clock_timestamp() - interval '1 second' THEN rate
                     ELSE greatest($5::float8, least(coalesce(rate, $4::float8, 'Infinity'), greatest($3::float8, $5::float8)) * $6::float8) END,
         previous_rate_lowered_at = CASE WHEN rate_lowered_at > clock_timestamp() - interval '1 second' THEN previous_rate_lowered_at ELSE rate_lowered_at END,
         rate_lowered_at = CASE WHEN rate_lowered_at > clock_timestamp() - interval '1 second' THEN rate_lowered_at ELSE clock_timestamp() END,
         throttled_total = throttled_total + 1,
         last_throttled_at = clock_timestamp()
       WHERE budget_key = $1`,
      [key, pauseSeconds, observedRate, maxRate ?? null, MIN_RATE, DECREASE_FACTOR],
    );
  }

  /** This replica has nothing in flight any more (so others may use the whole concurrency). */
  async idle(key: string, replica: string): Promise<void> {
    await this.reserved.query(
      'UPDATE provider_refresh_in_flight SET in_flight = 0, seen_at = clock_timestamp() WHERE budget_key = $1 AND replica = $2',
      [key, replica],
    );
  }

  async states(): Promise<BudgetState[]> {
    const rows = await this.reserved.query<
      {
        budget_key: string;
        rate: number | null;
        paused_until: Date | null;
        throttled_total: string;
        last_throttled_at: Date | null;
        throttling: boolean;
      }[]
    >(
      `SELECT budget_key, rate, paused_until, throttled_total, last_throttled_at,
              coalesce(rate_lowered_at > clock_timestamp() - interval '1 minute'
                       AND previous_rate_lowered_at > clock_timestamp() - interval '5 minutes', false) AS throttling
         FROM provider_refresh_budgets ORDER BY budget_key`,
    );
    return rows.map((row) => ({
      key: row.budget_key,
      rate: row.rate,
      pausedUntil: row.paused_until,
      throttledTotal: Number(row.throttled_total),
      lastThrottledAt: row.last_throttled_at,
      throttling: row.throttling,
    }));
  }
}
