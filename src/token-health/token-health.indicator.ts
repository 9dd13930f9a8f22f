import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { OAuthTokenReportRepository } from '../oauth/oauth-token-report.repository';
import { TokenStatus } from '../oauth/token-status';
import { CheckCycleStats } from './check-cycle.stats';

/** /health shows at most this many unhealthy tokens; the counts cover all of them. */
const UNHEALTHY_LIST_LIMIT = 100;
const DEFAULT_TIMEOUT_MS = 2000;

/**
 * Readiness of the checker. Down only when the checker itself is broken
 * (stalled, or its database unreadable) — a customer's revoked token is shown,
 * never a reason to restart pods.
 */
@Injectable()
export class TokenHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly reports: OAuthTokenReportRepository,
    private readonly stats: CheckCycleStats,
  ) {}

  async isHealthy(key = 'tokenHealth', { timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    const indicator = this.indicators.check(key);
    const checker = {
      lastCompletedCycleAt: this.stats.lastCompletedAt?.toISOString() ?? null,
      scheduled: this.stats.intervalMs !== undefined,
    };
    let tokens: Awaited<ReturnType<TokenHealthIndicator['readTokens']>>;
    try {
      // A database that stops answering (network partition) must not hang the probe.
      tokens = await withTimeout(this.readTokens(), timeoutMs);
    } catch {
      return indicator.down({ ...checker, message: 'Token store is unreachable' });
    }
    if (this.stats.isStalled()) {
      return indicator.down({ ...checker, ...tokens, message: 'The periodic check has not completed a cycle for two intervals' });
    }
    return indicator.up({ ...checker, ...tokens });
  }

  private async readTokens() {
    const [counts, unhealthy] = await Promise.all([this.reports.countByStatus(), this.reports.findUnhealthy(UNHEALTHY_LIST_LIMIT)]);
    const byStatus = Object.fromEntries(Object.values(TokenStatus).map((status) => [status, 0])) as Record<TokenStatus, number>;
    for (const row of counts) byStatus[row.status] = row.count;
    return { counts: byStatus, unhealthy };
  }
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`No answer within ${timeoutMs} ms`)), timeoutMs);
  });
  // The abandoned query settles later; its rejection must not become an unhandled one.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
