import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { OAuthTokenFleetRepository, ProviderStatusCount } from '../oauth/oauth-token-fleet.repository';
import { TokenStatus } from '../oauth/token-status';
import { TokenHealthEventRepository } from '../token-history/token-health-event.repository';

/** How stale the counts may get between cycles (a token's status changes mostly in cycles, which refresh them at once). */
const TOKEN_COUNTS_REFRESH_MS = 15_000;

export interface TokenCountsSnapshot {
  /** Every status, zeros included. */
  byStatus: Record<TokenStatus, number>;
  byProvider: ProviderStatusCount[];
  total: number;
  refreshedAt: Date;
  /** The newest history event when counting began: a newer one means a status changed since. */
  marker: string | null;
}

/**
 * The one place token counts are read: in the background every 15 s, right
 * after each completed cycle, and when an admin action asks for fresh counts
 * (TokenCountsService). /health, /metrics and summaries read this snapshot, so
 * a flood of probes or scrapes puts no query on `oauth_tokens`.
 */
@Injectable()
export class TokenCountsCache implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TokenCountsCache.name);
  private current?: TokenCountsSnapshot;
  private refreshing?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly fleet: OAuthTokenFleetRepository,
    private readonly metrics: MetricsService,
    private readonly events: TokenHealthEventRepository,
  ) {}

  /** Undefined until the first read succeeded. */
  get snapshot(): TokenCountsSnapshot | undefined {
    return this.current;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), TOKEN_COUNTS_REFRESH_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.refreshing;
  }

  /** Joins a read in flight; never throws (a failed read keeps the last snapshot). */
  refresh(): Promise<void> {
    this.refreshing ??= this.read().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async read(): Promise<void> {
    try {
      const marker = await this.events.latestEventId();
      const byProvider = await this.fleet.countByProviderAndStatus();
      const byStatus = Object.fromEntries(Object.values(TokenStatus).map((status) => [status, 0])) as Record<TokenStatus, number>;
      for (const row of byProvider) byStatus[row.status] = (byStatus[row.status] ?? 0) + row.count;
      const total = byProvider.reduce((sum, row) => sum + row.count, 0);
      this.current = { byStatus, byProvider, total, refreshedAt: new Date(), marker };
      this.metrics.setTokenCounts(byProvider);
    } catch (error) {
      this.logger.warn(`Could not count tokens: ${(error as Error).message}`);
    }
  }
}
