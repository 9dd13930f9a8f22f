import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { MetricsService } from '../../metrics/metrics.service';
import { OAuthProviderRegistry } from '../oauth-provider.registry';
import { PacingPriority, Permit, ProviderPacer } from './provider-pacer';
import { BudgetState, RefreshBudgetRepository } from './refresh-budget.repository';

/** One provider's pacing as this replica sees it, for metrics and the console. */
export interface PacingSnapshot {
  provider: string;
  maxRate: number | null;
  maxConcurrency: number | null;
  rate: number | null;
  queued: number;
  throttledAnswers: number;
  paused: boolean;
  throttling: boolean;
}

/**
 * Every refresh request to a provider waits here for a permit of that provider's budget, which
 * all replicas share through the database. A provider with no documented or configured limit runs
 * unpaced until it throttles; then its rate adapts (halved on a throttle, raised as answers come).
 */
@Injectable()
export class RefreshPacingService implements BeforeApplicationShutdown {
  private readonly replica = randomUUID();
  private readonly pacers = new Map<string, ProviderPacer>();

  constructor(
    private readonly repository: RefreshBudgetRepository,
    private readonly providers: OAuthProviderRegistry,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    metrics.observePacing(() => this.snapshots());
  }

  beforeApplicationShutdown(): void {
    for (const pacer of this.pacers.values()) pacer.stop();
  }

  acquire(provider: string, priority: PacingPriority): Promise<Permit> {
    return this.pacerFor(provider).acquire(priority);
  }

  /** The provider asked for a pause this replica knows of (hand-outs then answer at once instead of waiting). */
  isPaused(provider: string): boolean {
    return this.pacers.get(provider)?.paused ?? false;
  }

  /** The rate in force, as last seen (null: unlimited). */
  rateOf(provider: string): number | null {
    return this.pacerFor(provider).rate;
  }

  snapshots(): PacingSnapshot[] {
    return this.providers.names().map((provider) => {
      const pacer = this.pacerFor(provider);
      return {
        provider,
        maxRate: pacer.limits.maxRate ?? null,
        maxConcurrency: pacer.limits.maxConcurrency ?? null,
        rate: pacer.rate,
        queued: pacer.queued,
        throttledAnswers: pacer.throttledAnswers,
        paused: pacer.paused,
        throttling: pacer.throttling,
      };
    });
  }

  /** Every replica's view: the shared rows. */
  states(): Promise<BudgetState[]> {
    return this.repository.states();
  }

  private pacerFor(provider: string): ProviderPacer {
    let pacer = this.pacers.get(provider);
    if (!pacer) {
      const budget = this.providers.entry(provider)?.refreshBudget ?? {};
      const limits = { maxRate: budget.maxRate, maxConcurrency: budget.maxConcurrency ?? this.config.tokenHealth.concurrency };
      pacer = new ProviderPacer(provider, limits, this.replica, this.repository, this.config.tokenHealth.leaseSeconds);
      this.pacers.set(provider, pacer);
    }
    return pacer;
  }
}
