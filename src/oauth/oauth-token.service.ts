import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { WorkInFlight } from '../common/work-in-flight';
import { LeasedToken, OAuthTokenLeaseRepository, RefreshResult } from './oauth-token-lease.repository';
import { OAuthTokenRepository } from './oauth-token.repository';
import { TokenNotFoundError, TokenUnreadableError, TokenUnusableError } from './oauth-token.errors';
import { TokenEventSource } from '../token-history/token-event-source';
import { TokenHealthEventRepository } from '../token-history/token-health-event.repository';
import { ROTATION_LOST_ERROR } from './refresh-result.writer';
import { rotatedResults, writeWithRetry } from './result-write.retry';
import { StoredToken } from './stored-token';
import { TokenRefresher } from './token-refresher';
import { TokenStatus } from './token-status';
import { isRestingDeadGrant, isWorking, needsRefreshBeforeHandOut } from './token-status.policy';

/** How often a caller that found another refresh in flight looks for its outcome. */
const WAIT_POLL_MS = 50;

export interface RefreshOutcome {
  status: TokenStatus;
  error: string | null;
  accessToken?: string;
}

/**
 * Hands out access tokens, refreshing first when one is near expiry. At most
 * one refresh per token runs at a time: in this process callers share one
 * promise, across processes they share the row's lease — a caller that finds
 * a live lease waits for its holder's result instead of calling the provider too.
 */
@Injectable()
export class OAuthTokenService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(OAuthTokenService.name);
  private readonly inFlight = new Map<string, Promise<RefreshOutcome>>();
  /** Provider calls of hand-outs whose results are not yet stored. */
  private readonly refreshing = new WorkInFlight();
  private stopping = false;

  constructor(
    private readonly tokens: OAuthTokenRepository,
    private readonly leases: OAuthTokenLeaseRepository,
    private readonly refresher: TokenRefresher,
    private readonly config: AppConfig,
    private readonly events: TokenHealthEventRepository,
  ) {}

  /**
   * At shutdown, a hand-out's refresh already at the provider is stored before the pool
   * closes: a rotating provider has spent the old refresh token once it answers.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.refreshing.size === 0) return;
    this.logger.log(`Waiting for ${this.refreshing.size} access-token refresh(es) in flight before closing`);
    await this.refreshing.settled();
  }

  /** A valid access token for the client's connection, refreshed first when near expiry. */
  async getAccessToken(clientId: string, provider: string): Promise<string> {
    const token = await this.tokens.findToken(clientId, provider);
    if (!token) throw new TokenNotFoundError(clientId, provider);
    if (token.unreadable) {
      // Records the verdict (refresh_failed, unreadable) under the lease, so the token is alerted.
      await this.singleFlight(token.id, () => this.refreshUnderLease(token, () => true));
      throw new TokenUnreadableError(clientId, provider);
    }
    if (usable(token)) return token.accessToken!;
    if (this.isRestingDeadGrant(token)) throw new TokenUnusableError(clientId, provider, token.tokenStatus, token.healthCheckError);

    const outcome = await this.singleFlight(token.id, () => this.refreshForHandOut(token));
    if (!outcome.accessToken) throw new TokenUnusableError(clientId, provider, outcome.status, outcome.error);
    return outcome.accessToken;
  }

  /**
   * Verifies a token set just stored and leased (the lease taken in the store's transaction):
   * without a usable access token, one refresh at the provider decides its status, written
   * under the lease. No connection is held while the provider is asked.
   */
  async verifyLeased(leased: LeasedToken, source: TokenEventSource): Promise<void> {
    if (!needsRefreshBeforeHandOut(leased, new Date())) {
      await this.leases.release(leased);
      return;
    }
    await this.refreshing.track(this.refreshAndStore(leased, source));
  }

  // The provider refused this grant recently: asking again per hand-out would only repeat the refusal.
  private isRestingDeadGrant(token: StoredToken): boolean {
    const { tokenStatus: status, refreshToken, refreshTokenExpiresAt, lastRefreshAttemptAt } = token;
    return isRestingDeadGrant(
      { status, hasRefreshToken: refreshToken !== null, refreshTokenExpiresAt, lastRefreshAttemptAt },
      this.config.tokenHealth,
      new Date(),
    );
  }

  private singleFlight(id: string, work: () => Promise<RefreshOutcome>): Promise<RefreshOutcome> {
    const running = this.inFlight.get(id);
    if (running) return running;
    const refresh = work().finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, refresh);
    return refresh;
  }

  private refreshForHandOut(token: StoredToken): Promise<RefreshOutcome> {
    return this.refreshUnderLease(token, (leased) => needsRefreshBeforeHandOut(leased, new Date()));
  }

  /**
   * Takes the token's lease and refreshes it if `stillNeeded` says so once the
   * lease is ours (another process may have refreshed it meanwhile). While
   * someone else holds the lease, waits for their result.
   */
  private async refreshUnderLease(
    token: Pick<StoredToken, 'id' | 'clientId' | 'provider'>,
    stillNeeded: (leased: LeasedToken) => boolean,
  ): Promise<RefreshOutcome> {
    const waitingSince = new Date();
    for (;;) {
      const leased = await this.leases.claimOne(token.id, this.config.tokenHealth.leaseSeconds);
      if (leased) return this.refreshLeased(leased, stillNeeded);

      const current = await this.waitForLease(token);
      if (!current) return { status: TokenStatus.Invalid, error: 'The token was deleted during the refresh' };
      if (usable(current)) return { status: current.tokenStatus, error: current.healthCheckError, accessToken: current.accessToken! };
      // The holder tried and failed: its verdict stands, asking the provider again at once would not help.
      if (current.lastRefreshAttemptAt && current.lastRefreshAttemptAt >= waitingSince && !isWorking(current.tokenStatus)) {
        return { status: current.tokenStatus, error: current.healthCheckError };
      }
    }
  }

  private async refreshLeased(leased: LeasedToken, stillNeeded: (leased: LeasedToken) => boolean): Promise<RefreshOutcome> {
    if (!stillNeeded(leased)) {
      await this.leases.release(leased);
      const accessToken = this.leases.openAccessToken(leased);
      return { status: leased.status, error: null, accessToken: accessToken ?? undefined };
    }
    const result = await this.refreshing.track(this.refreshAndStore(leased));
    return { status: result.verdict.status, error: result.verdict.error, accessToken: result.tokenSet?.accessToken };
  }

  private async refreshAndStore(leased: LeasedToken, source = TokenEventSource.Access): Promise<RefreshResult> {
    const result = await this.refresher.refresh(leased, 'first');
    if (result.throttled) {
      // The provider throttled us, not the token: its stored verdict stands and its lease goes back.
      await this.leases.release(leased);
      return result;
    }
    // The status change is recorded in the history under its cause (the trigger reads the tag).
    const outcome = await writeWithRetry(
      () => this.leases.writeResults([result], (manager) => this.events.tagSource(manager, source)),
      rotatedResults([result]).length > 0,
      () => this.stopping,
    );
    if (!outcome.stored) {
      if (result.tokenSet?.refreshToken !== undefined) await this.markRotationLost(leased, result);
      throw outcome.error;
    }
    if (!outcome.value.has(leased.id)) await this.onLostLease(leased, result);
    return result;
  }

  private async onLostLease(leased: LeasedToken, result: RefreshResult): Promise<void> {
    if (result.tokenSet?.refreshToken === undefined) {
      this.logger.warn(`The refresh of ${leased.clientId}/${leased.provider} outlived its lease; its result was not stored`);
      return;
    }
    await this.markRotationLost(leased, result);
  }

  private async markRotationLost(leased: LeasedToken, result: RefreshResult): Promise<void> {
    this.logger.error(`The rotated refresh token of ${leased.clientId}/${leased.provider} could not be stored; marking it refresh_failed`);
    await this.leases.markRotationLost([result], ROTATION_LOST_ERROR).catch((error: Error) => {
      this.logger.error(`Could not mark the lost rotated refresh token of ${leased.clientId}/${leased.provider}: ${error.message}`);
    });
  }

  /** Polls until the lease is released or has expired; returns the token as then stored. */
  private async waitForLease(token: Pick<StoredToken, 'clientId' | 'provider'>): Promise<StoredToken | undefined> {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
      const current = await this.tokens.findToken(token.clientId, token.provider);
      if (!current || !current.leaseUntil || current.leaseUntil.getTime() < Date.now() || usable(current)) return current;
    }
  }
}

function usable(token: StoredToken): boolean {
  return token.accessToken !== null && !needsRefreshBeforeHandOut({ hasAccessToken: true, tokenExpiry: token.tokenExpiry }, new Date());
}
