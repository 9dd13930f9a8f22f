import { Injectable, Logger } from '@nestjs/common';
import { OAuthTokenReportRepository } from '../oauth/oauth-token-report.repository';
import { MetricsService } from './metrics.service';

/** Sets the `oauth_tokens{provider,status}` gauge from one GROUP BY at scrape time. */
@Injectable()
export class TokenCountsRefresher {
  private readonly logger = new Logger(TokenCountsRefresher.name);

  constructor(
    private readonly reports: OAuthTokenReportRepository,
    private readonly metrics: MetricsService,
  ) {}

  async refresh(): Promise<void> {
    try {
      this.metrics.setTokenCounts(await this.reports.countByProviderAndStatus());
    } catch (error) {
      // A scrape during a database outage still serves the process metrics.
      this.logger.warn(`Could not count tokens for /metrics: ${(error as Error).message}`);
    }
  }
}
