import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { ClientConfigService } from './client-config.service';
import { LeasedToken, OAuthTokenLeaseRepository, RefreshResult } from './oauth-token-lease.repository';
import { OAuthProviderError, OAuthProviderErrorCode } from './oauth-provider.error';
import { OAuthProviderRegistry } from './oauth-provider.registry';
import { ProviderTokenSet } from './providers/oauth-provider';
import { CheckPolicy } from './stored-token';
import { OAuthTokenError } from './oauth-token.errors';
import { TokenStatus } from './token-status';
import { failureVerdictFor, NO_REFRESH_TOKEN_ERROR, statusAfterRefresh, verdictForFailure } from './token-status.policy';
import { PacingPriority } from './pacing/provider-pacer';
import { RefreshPacingService } from './pacing/refresh-pacing.service';

/** The timing rules of a check, from configuration. */
export function checkPolicyOf(config: AppConfig): CheckPolicy {
  const { expiryWindowMinutes, minRefreshIntervalMinutes, refreshExpiryWarningDays, leaseSeconds, deadGrantRetryHours } = config.tokenHealth;
  return { expiryWindowMinutes, minRefreshIntervalMinutes, refreshExpiryWarningDays, leaseSeconds, deadGrantRetryHours };
}

/**
 * One refresh of a leased token at its provider, turned into the result to
 * store. Touches no database: the caller holds the lease and writes the result.
 */
@Injectable()
export class TokenRefresher {
  private readonly logger = new Logger(TokenRefresher.name);
  private readonly policy: CheckPolicy;

  constructor(
    private readonly leases: OAuthTokenLeaseRepository,
    private readonly providers: OAuthProviderRegistry,
    private readonly clientConfig: ClientConfigService,
    private readonly metrics: MetricsService,
    private readonly pacing: RefreshPacingService,
    config: AppConfig,
  ) {
    this.policy = checkPolicyOf(config);
    metrics.initialiseProviders(providers.names());
  }

  /** `priority`: hand-outs and on-demand checks go before the sweep within the provider's budget. */
  async refresh(token: LeasedToken, priority: PacingPriority = 'sweep'): Promise<RefreshResult> {
    const base = {
      id: token.id,
      clientId: token.clientId,
      provider: token.provider,
      leaseUntil: token.leaseUntil,
      presentedRefreshToken: token.sealedRefreshToken,
    };
    let refreshToken: string | null;
    let reseal: RefreshResult['reseal'];
    try {
      refreshToken = this.leases.openRefreshToken(token);
      // The row is written below anyway: values under an old key or format move onto the current one.
      reseal = this.leases.staleValues(token);
    } catch (error) {
      if (OAuthTokenError.isUnreadable(error)) this.metrics.recordUnreadable(token.provider);
      return { ...base, attempted: false, verdict: verdictForFailure(error) };
    }
    if (reseal) Object.assign(base, { reseal });
    if (!refreshToken) return { ...base, attempted: false, verdict: { status: TokenStatus.Invalid, error: NO_REFRESH_TOKEN_ERROR } };
    try {
      const tokenSet = await this.callProvider(token, refreshToken, priority);
      this.metrics.recordRefresh(token.provider, 'success');
      const verdict = statusAfterRefresh(refreshTokenExpiryAfter(token, tokenSet), this.policy, new Date());
      return { ...base, attempted: true, verdict, tokenSet };
    } catch (error) {
      if (error instanceof OAuthProviderError && error.isThrottled) {
        this.metrics.recordRefresh(token.provider, 'throttled');
        // Says nothing about the token: its stored verdict stands (the caller gives the lease back).
        const verdict = { status: token.status, error: `Refresh throttled by the provider: ${error.message}` };
        // Not an attempt for the minimum interval: the token stays due and the next cycle refreshes it.
        return { ...base, attempted: false, verdict, throttled: { retryAfterSeconds: error.retryAfterSeconds } };
      }
      const verdict = failureVerdictFor(token, verdictForFailure(error));
      this.metrics.recordRefresh(token.provider, verdict.status === TokenStatus.Invalid ? 'dead_grant' : 'failure');
      this.logger.warn(`Refresh of ${token.clientId}/${token.provider} failed (${verdict.status}): ${verdict.error}`);
      return { ...base, attempted: true, verdict };
    }
  }

  private async callProvider(token: LeasedToken, refreshToken: string, priority: PacingPriority): Promise<ProviderTokenSet> {
    const provider = this.providers.get(token.provider);
    if (!provider) {
      throw new OAuthProviderError(OAuthProviderErrorCode.Configuration, `No OAuth provider adapter is registered for "${token.provider}"`);
    }
    const request = {
      refreshToken,
      accountsServer: this.clientConfig.accountsServerFor(token.provider, token.accountsServer),
      credentials: this.clientConfig.credentialsFor(token.clientId, token.provider),
    };
    // A hand-out does not wait out a provider's pause: it answers at once (nothing may be sent meanwhile).
    if (priority === 'first' && this.pacing.isPaused(token.provider)) {
      throw new OAuthProviderError(OAuthProviderErrorCode.Throttled, `${token.provider} asked for a pause in refreshes`);
    }
    const permit = await this.pacing.acquire(token.provider, priority);
    try {
      const tokenSet = await provider.refresh(request);
      permit.done({ throttled: false });
      return tokenSet;
    } catch (error) {
      const throttled = error instanceof OAuthProviderError && error.isThrottled;
      permit.done(throttled ? { throttled, retryAfterSeconds: error.retryAfterSeconds } : { throttled: false });
      throw error;
    }
  }
}

// As stored by the result write: a new refresh token (or a new expiry) replaces the stored expiry.
function refreshTokenExpiryAfter(token: LeasedToken, tokenSet: ProviderTokenSet): Date | null {
  if (tokenSet.refreshToken !== undefined || tokenSet.refreshTokenExpiresAt) return tokenSet.refreshTokenExpiresAt ?? null;
  return token.refreshTokenExpiresAt;
}
