import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { ClientConfigService } from './client-config.service';
import { OAuthTokenRepository } from './oauth-token.repository';
import { OAuthProviderError, OAuthProviderErrorCode } from './oauth-provider.error';
import { OAuthProviderRegistry } from './oauth-provider.registry';
import { ProviderTokenSet } from './providers/oauth-provider';
import { NO_REFRESH_TOKEN_ERROR, UNREADABLE_TOKEN_ERROR, verdictForRefreshFailure } from './refresh-verdict';
import { StoredToken } from './stored-token';
import { TokenReencryptionRepository } from './token-reencryption.repository';
import { TokenStatus } from './token-status';
import { TokenNotFoundError, TokenUnreadableError, TokenUnusableError } from './oauth-token.errors';
import { TokenEventSource } from '../token-history/token-event-source';
import { TokenHealthEventRepository } from '../token-history/token-health-event.repository';
import { EntityManager } from 'typeorm';

/** Access tokens closer than this to expiry are refreshed before being handed out. */
const HAND_OUT_MARGIN_MS = 5 * 60_000;

export interface RefreshOutcome {
  status: TokenStatus;
  error: string | null;
  /** True when the provider was asked (attempted), false when the stored token was already fine. */
  calledProvider: boolean;
  accessToken?: string;
}

type RefreshNeed = 'hand-out' | 'health-check';

/**
 * Refreshes OAuth tokens safely: at most one refresh per token at a time, in
 * this process (shared promise) and across processes (row lock, re-read after it).
 */
@Injectable()
export class OAuthTokenService {
  private readonly logger = new Logger(OAuthTokenService.name);
  private readonly inFlight = new Map<string, Promise<RefreshOutcome>>();

  constructor(
    private readonly tokens: OAuthTokenRepository,
    private readonly providers: OAuthProviderRegistry,
    private readonly clientConfig: ClientConfigService,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly events: TokenHealthEventRepository,
    private readonly reencryption: TokenReencryptionRepository,
  ) {}

  /** A valid access token for the client's connection, refreshed first when near expiry. */
  async getAccessToken(clientId: string, provider: string): Promise<string> {
    const token = await this.tokens.findToken(clientId, provider);
    if (!token) throw new TokenNotFoundError(clientId, provider);
    if (token.unreadable) {
      await this.refreshById(token.id, 'hand-out'); // records the verdict, so the token is alerted
      throw new TokenUnreadableError(clientId, provider);
    }
    if (isUsable(token, Date.now())) return token.accessToken!;

    const outcome = await this.refreshById(token.id, 'hand-out');
    if (!outcome.accessToken) throw new TokenUnusableError(clientId, provider, outcome.status, outcome.error);
    return outcome.accessToken;
  }

  /** The checker's entry: refresh one claimed token if it still needs it, and record the verdict. */
  refreshForHealthCheck(id: string): Promise<RefreshOutcome> {
    return this.refreshById(id, 'health-check');
  }

  private refreshById(id: string, need: RefreshNeed): Promise<RefreshOutcome> {
    const running = this.inFlight.get(id);
    if (running) return running;
    const refresh = this.refreshLocked(id, need).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, refresh);
    return refresh;
  }

  private async refreshLocked(id: string, need: RefreshNeed): Promise<RefreshOutcome> {
    const outcome = await this.tokens.withLockedToken(id, async (token, manager) => {
      if (need === 'hand-out') await this.events.tagSource(manager, TokenEventSource.Access);
      if (token.unreadable) return this.recordUnreadable(manager, token);
      // The row is written below anyway: values under an old key or format move onto the current one.
      await this.reencryption.reencryptStale(manager, token);
      if (!this.stillNeedsRefresh(token, need)) {
        const status = this.statusAfterRefresh(token.refreshTokenExpiresAt);
        if (need === 'health-check') await this.tokens.saveCheckResult(manager, id, status, null, false);
        return { status, error: null, calledProvider: false, accessToken: token.accessToken ?? undefined };
      }
      return this.refreshAndRecord(manager, token);
    });
    return outcome ?? { status: TokenStatus.Invalid, error: 'The token was deleted during the check', calledProvider: false };
  }

  /**
   * Verifies a token set just stored in `manager`'s transaction: without a usable access
   * token, one refresh at the provider decides its status. A failure rolls the whole store back.
   */
  async verifyStoredInTransaction(manager: EntityManager, id: string): Promise<void> {
    const token = await this.tokens.lockToken(manager, id);
    if (!token || token.unreadable || isUsable(token, Date.now())) return;
    await this.refreshAndRecord(manager, token);
  }

  /** One refresh at the provider for a token locked in `manager`'s transaction, with its verdict stored. */
  private async refreshAndRecord(manager: EntityManager, token: StoredToken): Promise<RefreshOutcome> {
    if (!token.refreshToken) {
      await this.tokens.saveCheckResult(manager, token.id, TokenStatus.Invalid, NO_REFRESH_TOKEN_ERROR, false);
      return { status: TokenStatus.Invalid, error: NO_REFRESH_TOKEN_ERROR, calledProvider: false };
    }
    let result: ProviderTokenSet;
    try {
      result = await this.callProvider(token);
    } catch (error) {
      const verdict = verdictForRefreshFailure(error);
      this.metrics.recordRefresh(token.provider, verdict.status === TokenStatus.Invalid ? 'dead_grant' : 'failure');
      this.logger.warn(`Refresh of ${token.clientId}/${token.provider} failed (${verdict.status}): ${verdict.error}`);
      await this.tokens.saveCheckResult(manager, token.id, verdict.status, verdict.error, true);
      return { status: verdict.status, error: verdict.error, calledProvider: true };
    }
    // A failed save is a database fault, not the provider's verdict: it propagates and the transaction rolls back.
    const status = this.statusAfterRefresh(result.refreshTokenExpiresAt ?? token.refreshTokenExpiresAt);
    await this.tokens.saveRefreshSuccess(manager, token, result, status, null);
    this.metrics.recordRefresh(token.provider, 'success');
    return { status, error: null, calledProvider: true, accessToken: result.accessToken };
  }

  // Never sent to the provider: a value that fails to decrypt may be another row's token.
  private async recordUnreadable(manager: EntityManager, token: StoredToken): Promise<RefreshOutcome> {
    this.logger.warn(`Stored token of ${token.clientId}/${token.provider} is unreadable (${token.unreadable}); marked ${TokenStatus.RefreshFailed}`);
    this.metrics.recordUnreadable(token.provider);
    await this.tokens.saveCheckResult(manager, token.id, TokenStatus.RefreshFailed, UNREADABLE_TOKEN_ERROR, false);
    return { status: TokenStatus.RefreshFailed, error: UNREADABLE_TOKEN_ERROR, calledProvider: false };
  }

  private callProvider(token: StoredToken) {
    const provider = this.providers.get(token.provider);
    if (!provider) {
      throw new OAuthProviderError(OAuthProviderErrorCode.Configuration, `No OAuth provider adapter is registered for "${token.provider}"`);
    }
    return provider.refresh({
      refreshToken: token.refreshToken!,
      accountsServer: this.clientConfig.accountsServerFor(token.provider, token.accountsServer),
      credentials: this.clientConfig.credentialsFor(token.clientId, token.provider),
    });
  }

  /** Re-evaluated under the row lock: another process may have refreshed meanwhile. */
  private stillNeedsRefresh(token: StoredToken, need: RefreshNeed): boolean {
    const now = Date.now();
    const { expiryWindowMinutes, minRefreshIntervalMinutes } = this.config.tokenHealth;
    if (!token.refreshToken) return true;
    if (need === 'hand-out') return !isUsable(token, now);
    const refreshedRecently = token.lastRefreshedAt && now - token.lastRefreshedAt.getTime() < minRefreshIntervalMinutes * 60_000;
    const expiresInWindow = !token.accessToken || !token.tokenExpiry || token.tokenExpiry.getTime() <= now + expiryWindowMinutes * 60_000;
    return expiresInWindow && !refreshedRecently;
  }

  private statusAfterRefresh(refreshTokenExpiresAt: Date | null | undefined): TokenStatus {
    if (!refreshTokenExpiresAt) return TokenStatus.Healthy;
    const warningMs = this.config.tokenHealth.refreshExpiryWarningDays * 86_400_000;
    return refreshTokenExpiresAt.getTime() <= Date.now() + warningMs ? TokenStatus.Expiring : TokenStatus.Healthy;
  }
}

function isUsable(token: StoredToken, now: number): boolean {
  if (!token.accessToken) return false;
  return !token.tokenExpiry || token.tokenExpiry.getTime() > now + HAND_OUT_MARGIN_MS;
}
