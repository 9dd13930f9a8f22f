import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
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
    private readonly dataSource: DataSource,
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
    const counts: { status: string; count: string }[] = await this.dataSource.query(
      'SELECT token_status AS status, count(*) AS count FROM oauth_tokens GROUP BY token_status',
    );
    const unhealthy: { clientId: string; provider: string; status: string }[] = await this.dataSource.query(
      `SELECT client_id AS "clientId", provider, token_status AS status FROM oauth_tokens
        WHERE token_status <> 'healthy' ORDER BY token_status DESC, client_id, provider LIMIT $1`,
      [UNHEALTHY_LIST_LIMIT],
    );
    const byStatus = { healthy: 0, expiring: 0, refresh_failed: 0, invalid: 0 } as Record<string, number>;
    for (const row of counts) byStatus[row.status] = Number(row.count);
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
