import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { WorkInFlight } from '../common/work-in-flight';
import { ClaimLane, LeasedToken, OAuthTokenLeaseRepository, RefreshResult } from '../oauth/oauth-token-lease.repository';
import { OAuthProviderRegistry } from '../oauth/oauth-provider.registry';
import { RefreshPacingService } from '../oauth/pacing/refresh-pacing.service';
import { LaneWork, RefreshLane } from './refresh-lane';
import { PacingPriority } from '../oauth/pacing/provider-pacer';
import { OAuthTokenSweepRepository } from '../oauth/oauth-token-sweep.repository';
import { RefreshResultWriter } from '../oauth/refresh-result.writer';
import { DatabaseClock } from '../database/database-clock';
import { MetricsService } from '../metrics/metrics.service';
import { TokenReadabilityRepository } from '../oauth/token-readability.repository';
import { TokenStatus } from '../oauth/token-status';
import { CheckPolicy, CheckScope } from '../oauth/stored-token';
import { checkPolicyOf, TokenRefresher } from '../oauth/token-refresher';
import { isWorking, verdictForFailure } from '../oauth/token-status.policy';

export interface CycleSummary {
  startedAt: Date;
  finishedAt: Date;
  classifiedWithoutCall: number;
  refreshed: number;
  failed: number;
}

/** Claims hand out between these many tokens at once: fewer claims for a small concurrency, a bounded batch for a large one. */
const MIN_CLAIM = 200;
/** A claim that found nothing while due rows were locked elsewhere (a writer, the re-encryption pass) tries again. */
const LOCKED_RETRIES = 50;
const LOCKED_RETRY_MS = 100;
const MAX_CLAIM = 1000;
/** A token throttled this many times in one cycle keeps its verdict until the next cycle. */
const MAX_REQUEUES = 20;
/** Claims (one provider's lane at a time mostly) and the pacing's permit grants, on the reserved pool. */
export const CLAIMS_IN_FLIGHT = 2;

export interface CycleOptions {
  /** Asked for now (API, host code): checks every token in scope, even one checked a moment ago. */
  onDemand?: boolean;
}

/**
 * One check cycle. Tokens due for a refresh are claimed in leased batches
 * (the claim commits at once), refreshed with up to `concurrency` provider calls
 * in flight and no database connection held meanwhile, and their results written
 * back in batches under their leases. Meanwhile every other token is classified
 * set-wise, in batches of table pages. Memory stays bounded by the batch size, not the table size.
 */
@Injectable()
export class CheckCycleRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger(CheckCycleRunner.name);
  private readonly cycles = new WorkInFlight();
  private stopping = false;

  constructor(
    private readonly sweep: OAuthTokenSweepRepository,
    private readonly leases: OAuthTokenLeaseRepository,
    private readonly refresher: TokenRefresher,
    private readonly config: AppConfig,
    private readonly readability: TokenReadabilityRepository,
    private readonly clock: DatabaseClock,
    private readonly metrics: MetricsService,
    private readonly providers: OAuthProviderRegistry,
    private readonly pacing: RefreshPacingService,
  ) {}

  /**
   * At shutdown, refreshes in flight finish and their results (a rotated refresh token among
   * them) are written before the pool closes; no new token is taken.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.cycles.size === 0) return;
    // Says why the stop takes a moment (a provider's answer may still be on its way).
    this.logger.log(`Waiting for ${this.cycles.size} check cycle(s) in flight before closing`);
    await this.cycles.settled();
  }

  run(scope: CheckScope = {}, options: CycleOptions = {}): Promise<CycleSummary> {
    return this.cycles.track(this.runCycle(scope, options));
  }

  private async runCycle(scope: CheckScope, options: CycleOptions): Promise<CycleSummary> {
    const startedAt = await this.cycleStart(options);
    const policy = checkPolicyOf(this.config);
    const unreadable = await this.markUnreadable(startedAt, scope);
    // The sweep touches only tokens no refresh is for, in short batches, so it runs beside the
    // refreshes (which mostly wait on the provider): the cycle takes the longer of the two, not their sum.
    const [refreshes, sweep] = await Promise.allSettled([
      // A check asked for one client's connections goes before the sweep within the provider budgets.
      this.refreshDue(startedAt, scope, policy, options.onDemand && scope.clientId !== undefined ? 'first' : 'sweep'),
      this.sweep.classifyWithoutProviderCall(startedAt, scope, policy),
    ]);
    if (refreshes.status === 'rejected') throw refreshes.reason;
    if (sweep.status === 'rejected') throw sweep.reason;
    const { refreshed, failed } = refreshes.value;
    const classifiedWithoutCall = sweep.value;
    return { startedAt, finishedAt: new Date(), classifiedWithoutCall, refreshed, failed: failed + unreadable };
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

  // A row locked by another transaction is skipped by the claim, not gone: the cycle waits
  // for it (briefly) instead of leaving a due token unchecked.
  private async claimNext(startedAt: Date, scope: CheckScope, policy: CheckPolicy, limit: number, lane: ClaimLane): Promise<LeasedToken[]> {
    for (let attempt = 0; ; attempt++) {
      const claimed = await this.leases.claimDue(startedAt, scope, policy, limit, lane);
      if (claimed.length > 0 || attempt >= LOCKED_RETRIES) return claimed;
      if ((await this.leases.countUnclaimed(startedAt, scope, policy, lane)) === 0) return claimed;
      await new Promise((resolve) => setTimeout(resolve, LOCKED_RETRY_MS));
    }
  }

  private async refreshDue(startedAt: Date, scope: CheckScope, policy: CheckPolicy, priority: PacingPriority) {
    const concurrency = this.config.tokenHealth.concurrency;
    // Each claim walks the due index from its start, so a few larger claims cost less than many small ones;
    // the queue is refilled once it holds less than one round of work, so a replica does not hoard tokens.
    const claimSize = Math.min(MAX_CLAIM, Math.max(2 * concurrency, MIN_CLAIM));
    const writer = new RefreshResultWriter(this.leases, () => this.stopping);
    const providers = this.providers.names();
    const work = (provider?: string): LaneWork => ({
      claim: (lane, limit) => this.claimNext(startedAt, scope, policy, limit, lane),
      refresh: (token) => this.refresher.refresh(token, priority).catch((error: unknown) => failedResult(token, error)),
      requeue: (token) => this.leases.releaseAll([token]),
      store: (result) => writer.add(result),
      stopping: () => this.stopping,
      claimed: (tokens) => provider && this.metrics.recordOldestDue(provider, dueAt(tokens[0], policy)),
    });
    // Claim only what the budget can serve within half a lease, so claimed tokens never wait past it.
    const sizeFor = (provider: string) => () => {
      const rate = this.pacing.rateOf(provider);
      return rate === null ? claimSize : Math.max(1, Math.min(claimSize, Math.floor((rate * policy.leaseSeconds) / 2)));
    };
    // A check asked for now answers now: a throttled refresh keeps the stored verdict instead of waiting out pauses.
    const requeues = priority === 'first' ? 0 : MAX_REQUEUES;
    const lanes = [
      ...providers.map((provider) => new RefreshLane({ provider }, concurrency, sizeFor(provider), work(provider), isWorkingResult, requeues)),
      // Tokens of a provider this process does not know: each gets its configuration error.
      new RefreshLane({ except: providers }, 1, () => claimSize, work(), isWorkingResult, requeues),
    ];
    await Promise.all(lanes.map((lane) => lane.run()));
    for (const provider of providers) this.metrics.recordOldestDue(provider, 0);
    await writer.drained();
    const claimError = lanes.find((lane) => lane.claimError !== undefined)?.claimError;
    if (claimError !== undefined) {
      const error = claimError instanceof Error ? claimError : new Error('Claiming tokens failed');
      this.logger.error(`Claiming tokens for a refresh failed: ${error.message}`);
      throw error;
    }
    return lanes.reduce((sum, lane) => ({ refreshed: sum.refreshed + lane.counts.refreshed, failed: sum.failed + lane.counts.failed }), {
      refreshed: 0,
      failed: 0,
    });
  }
}

function isWorkingResult(result: RefreshResult): boolean {
  return isWorking(result.verdict.status);
}

function failedResult(token: LeasedToken, error: unknown): RefreshResult {
  return {
    id: token.id,
    clientId: token.clientId,
    provider: token.provider,
    leaseUntil: token.leaseUntil,
    presentedRefreshToken: token.sealedRefreshToken,
    attempted: true,
    verdict: verdictForFailure(error),
  };
}

// When the token entered its refresh window (or now, for one without an access token).
function dueAt(token: LeasedToken, policy: CheckPolicy): number {
  if (!token.hasAccessToken || !token.tokenExpiry) return Date.now();
  return token.tokenExpiry.getTime() - policy.expiryWindowMinutes * 60_000;
}
