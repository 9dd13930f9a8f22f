import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { LeasedToken, OAuthTokenLeaseRepository } from '../oauth/oauth-token-lease.repository';
import { OAuthTokenSweepRepository } from '../oauth/oauth-token-sweep.repository';
import { RefreshResultWriter } from '../oauth/refresh-result.writer';
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
const MAX_CLAIM = 1000;
/** The next claim is taken only when the previous one is done. */
export const CLAIMS_IN_FLIGHT = 1;

/**
 * One check cycle. Tokens due for a refresh are claimed in leased batches
 * (the claim commits at once), refreshed with up to `concurrency` provider calls
 * in flight and no database connection held meanwhile, and their results written
 * back in batches under their leases. Then every other token is classified
 * set-wise. Memory stays bounded by the batch size, not the table size.
 */
@Injectable()
export class CheckCycleRunner {
  private readonly logger = new Logger(CheckCycleRunner.name);

  constructor(
    private readonly sweep: OAuthTokenSweepRepository,
    private readonly leases: OAuthTokenLeaseRepository,
    private readonly refresher: TokenRefresher,
    private readonly config: AppConfig,
  ) {}

  async run(scope: CheckScope = {}): Promise<CycleSummary> {
    // Whole seconds: replicas fired by the same cron tick agree on the cycle's start,
    // so a token one of them checked is not checked again by the other.
    const startedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const policy = checkPolicyOf(this.config);
    // Refreshes first: they are the urgent work, and the two would only compete for the same CPU.
    const refreshes = await this.refreshDue(startedAt, scope, policy);
    const classifiedWithoutCall = await this.sweep.classifyWithoutProviderCall(startedAt, scope, policy);
    return { startedAt, finishedAt: new Date(), classifiedWithoutCall, ...refreshes };
  }

  private async refreshDue(startedAt: Date, scope: CheckScope, policy: CheckPolicy) {
    const concurrency = this.config.tokenHealth.concurrency;
    // Each claim walks the due index from its start, so a few larger claims cost less than many small ones;
    // the queue is refilled once it holds less than one round of work, so a replica does not hoard tokens.
    const claimSize = Math.min(MAX_CLAIM, Math.max(2 * concurrency, MIN_CLAIM));
    const writer = new RefreshResultWriter(this.leases);
    const queue: LeasedToken[] = [];
    const counts = { refreshed: 0, failed: 0 };
    let exhausted = false;
    let claiming: Promise<void> | undefined;
    let claimError: unknown;

    // Keeps about one round of work queued ahead, so workers never wait for a claim in lock-step.
    const refill = (): Promise<void> | undefined => {
      if (exhausted || claiming || queue.length >= concurrency) return claiming;
      claiming = this.leases
        .claimDue(startedAt, scope, policy, claimSize)
        .then(
          (tokens) => {
            if (tokens.length === 0) exhausted = true;
            queue.push(...tokens);
          },
          (error: unknown) => {
            // Claimed nothing; the cycle ends after the work in hand and reports the fault.
            claimError = error;
            exhausted = true;
          },
        )
        .finally(() => (claiming = undefined));
      return claiming;
    };
    const next = async (): Promise<LeasedToken | undefined> => {
      while (queue.length === 0 && !exhausted) await refill();
      const token = queue.shift();
      void refill();
      return token;
    };

    const worker = async () => {
      for (let token = await next(); token !== undefined; token = await next()) {
        const result = await this.refresher.refresh(token).catch((error: unknown) => ({
          id: token.id,
          leaseUntil: token.leaseUntil,
          attempted: true,
          verdict: verdictForFailure(error),
        }));
        if (isWorking(result.verdict.status)) counts.refreshed++;
        else counts.failed++;
        writer.add(result);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await writer.drained();
    if (claimError !== undefined) {
      const error = claimError instanceof Error ? claimError : new Error('Claiming tokens failed');
      this.logger.error(`Claiming tokens for a refresh failed: ${error.message}`);
      throw error;
    }
    return counts;
  }
}
