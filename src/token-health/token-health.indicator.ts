import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { CheckCycleStats } from './check-cycle.stats';
import { TokenCountsCache } from './token-counts.cache';

/**
 * Readiness of the checker: down only when it has stalled. It reads no table —
 * the database ping is a check of its own, and the token counts it shows come
 * from TokenCountsCache — so probes cost nothing however often they come. A
 * customer's revoked token is shown as a count, never a reason to restart
 * pods, and no tenant is named.
 */
@Injectable()
export class TokenHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly stats: CheckCycleStats,
    private readonly counts: TokenCountsCache,
  ) {}

  isHealthy(key = 'tokenHealth') {
    const indicator = this.indicators.check(key);
    const snapshot = this.counts.snapshot;
    const details = {
      lastCompletedCycleAt: this.stats.lastCompletedAt?.toISOString() ?? null,
      scheduled: this.stats.intervalMs !== undefined,
      counts: snapshot?.byStatus ?? null,
      countsAt: snapshot?.refreshedAt.toISOString() ?? null,
    };
    if (this.stats.isStalled()) {
      return indicator.down({ ...details, message: 'The periodic check has not completed a cycle for two intervals' });
    }
    return indicator.up(details);
  }
}
