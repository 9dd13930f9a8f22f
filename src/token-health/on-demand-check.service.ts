import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DatabaseClock } from '../database/database-clock';
import { onDemandCheckNotSent } from '../oauth/on-demand-limit';
import { OAuthProviderRegistry } from '../oauth/oauth-provider.registry';
import { OAuthTokenLeaseRepository } from '../oauth/oauth-token-lease.repository';
import { OAuthTokenReportRepository } from '../oauth/oauth-token-report.repository';
import { OAuthTokenRepository } from '../oauth/oauth-token.repository';
import { ROTATION_LOST_ERROR } from '../oauth/refresh-result.writer';
import { TokenRefresher } from '../oauth/token-refresher';
import { TokenHealthReport } from './token-health-report';

const IN_FLIGHT_REASON = 'Not sent: a refresh of this connection is in flight right now; its result shows here once stored';

/**
 * "Check now" for one client: each of its connections is asked at its provider, whatever
 * the schedule's rules would skip, unless that breaks the provider's documented limit.
 * Then nothing is stored as checked, and the report says why and when it can be sent.
 * The lease is taken and committed first, so no connection is held while the provider answers.
 */
@Injectable()
export class OnDemandCheckService {
  private readonly logger = new Logger(OnDemandCheckService.name);

  constructor(
    private readonly tokens: OAuthTokenRepository,
    private readonly reports: OAuthTokenReportRepository,
    private readonly leases: OAuthTokenLeaseRepository,
    private readonly refresher: TokenRefresher,
    private readonly providers: OAuthProviderRegistry,
    private readonly clock: DatabaseClock,
    private readonly config: AppConfig,
  ) {}

  async check(clientId: string): Promise<TokenHealthReport[]> {
    const notSent = new Map<string, string>();
    for (const { provider } of await this.reports.findReports(clientId)) {
      const reason = await this.checkOne(clientId, provider);
      if (reason) notSent.set(provider, reason);
    }
    const reports = await this.reports.findReports(clientId);
    return reports.map((report) => ({ ...report, checkSkippedReason: notSent.get(report.provider) ?? null }));
  }

  private async checkOne(clientId: string, provider: string): Promise<string | undefined> {
    const token = await this.tokens.findToken(clientId, provider);
    if (!token) return undefined;
    const definition = this.providers.entry(provider)?.definition;
    const limited = onDemandCheckNotSent(
      token.lastRefreshAttemptAt,
      definition?.tokenRequestLimit,
      definition?.title ?? provider,
      await this.clock.now(),
    );
    if (limited) return limited.reason;
    const leased = await this.leases.claimOne(token.id, this.config.tokenHealth.leaseSeconds);
    if (!leased) return IN_FLIGHT_REASON;
    const result = await this.refresher.refresh(leased);
    const landed = await this.leases.writeResults([result]);
    if (!landed.has(leased.id) && result.tokenSet?.refreshToken !== undefined) {
      this.logger.error(`The rotated refresh token of ${clientId}/${provider} was lost with an expired lease; marking it refresh_failed`);
      await this.leases.markRotationLost([result], ROTATION_LOST_ERROR);
    }
    return undefined;
  }
}
