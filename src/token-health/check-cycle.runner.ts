import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DatabaseClock } from '../database/database-clock';
import { MetricsService } from '../metrics/metrics.service';
import { OAuthTokenService } from '../oauth/oauth-token.service';
import { TokenReadabilityRepository } from '../oauth/token-readability.repository';
import { CheckPolicy, CheckScope } from '../oauth/stored-token';
import { TokenStatus } from '../oauth/token-status';
import { TokenSweepRepository } from './token-sweep.repository';

export interface CycleSummary {
  startedAt: Date;
  finishedAt: Date;
  classifiedWithoutCall: number;
  refreshed: number;
  failed: number;
}

export interface CycleOptions {
  /** Asked for now (API, host code): checks every token in scope, even one checked a moment ago. */
  onDemand?: boolean;
}

/**
 * One check cycle: classify set-wise what needs no provider call, then drain
 * the tokens that need a refresh through a fixed number of workers that share
 * leased batches. Memory stays bounded by the batch size, not the table size.
 */
@Injectable()
export class CheckCycleRunner {
  private readonly logger = new Logger(CheckCycleRunner.name);

  constructor(
    private readonly sweep: TokenSweepRepository,
    private readonly oauthTokens: OAuthTokenService,
    private readonly config: AppConfig,
    private readonly readability: TokenReadabilityRepository,
    private readonly clock: DatabaseClock,
    private readonly metrics: MetricsService,
  ) {}

  async run(scope: CheckScope = {}, options: CycleOptions = {}): Promise<CycleSummary> {
    const startedAt = await this.cycleStart(options);
    const policy = this.policy();
    const unreadable = await this.markUnreadable(startedAt, scope);
    // The two halves touch disjoint rows (due for a refresh or not), so they run side by side.
    const [classified, refreshes] = await Promise.allSettled([
      this.sweep.classifyWithoutProviderCall(startedAt, scope, policy),
      this.refreshDue(startedAt, scope, policy),
    ]);
    if (classified.status === 'rejected') throw classified.reason;
    if (refreshes.status === 'rejected') throw refreshes.reason;
    const { refreshed, failed } = refreshes.value;
    return { startedAt, finishedAt: new Date(), classifiedWithoutCall: classified.value, refreshed, failed: failed + unreadable };
  }

  // Scheduled: whole seconds, so replicas fired by the same cron tick agree on the cycle's start
  // and a token one of them checked is not checked again by the other. On demand: the database's
  // own clock, so a token registered or connected a moment ago is checked too.
  private async cycleStart({ onDemand }: CycleOptions): Promise<Date> {
    if (onDemand) return this.clock.now();
    return new Date(Math.floor(Date.now() / 1000) * 1000);
  }

  // First, before anything could call such a token healthy without reading it.
  private async markUnreadable(startedAt: Date, scope: CheckScope): Promise<number> {
    const providers = await this.readability.markUnreadable(startedAt, scope);
    for (const provider of providers) this.metrics.recordUnreadable(provider);
    if (providers.length > 0) this.logger.warn(`${providers.length} stored token(s) are unreadable; marked ${TokenStatus.RefreshFailed}`);
    return providers.length;
  }

  private async refreshDue(startedAt: Date, scope: CheckScope, policy: CheckPolicy) {
    const concurrency = this.config.tokenHealth.concurrency;
    const queue: string[] = [];
    let exhausted = false;
    let claiming: Promise<void> | undefined;
    const counts = { refreshed: 0, failed: 0 };

    // Keeps up to one batch queued ahead, so workers never wait for a claim in lock-step.
    const refill = (): Promise<void> | undefined => {
      if (exhausted || claiming || queue.length >= concurrency) return claiming;
      claiming = this.sweep
        .claimForRefresh(startedAt, scope, policy, concurrency)
        .then((ids) => {
          if (ids.length === 0) exhausted = true;
          queue.push(...ids);
        })
        .finally(() => (claiming = undefined));
      return claiming;
    };
    const nextId = async (): Promise<string | undefined> => {
      while (queue.length === 0 && !exhausted) await refill();
      const id = queue.shift();
      // A failed prefetch is retried (and its error surfaced) by the next worker that needs an id.
      refill()?.catch(() => undefined);
      return id;
    };

    const worker = async () => {
      for (let id = await nextId(); id !== undefined; id = await nextId()) {
        try {
          const outcome = await this.oauthTokens.refreshForHealthCheck(id);
          if (outcome.status === TokenStatus.Healthy || outcome.status === TokenStatus.Expiring) counts.refreshed++;
          else counts.failed++;
        } catch (error) {
          // A database fault on one token must not end the cycle; its lease expires and a later cycle retries.
          counts.failed++;
          this.logger.error(`Check of token ${id} failed: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return counts;
  }

  private policy(): CheckPolicy {
    const { expiryWindowMinutes, minRefreshIntervalMinutes, refreshExpiryWarningDays, leaseSeconds } = this.config.tokenHealth;
    return { expiryWindowMinutes, minRefreshIntervalMinutes, refreshExpiryWarningDays, leaseSeconds };
  }
}
