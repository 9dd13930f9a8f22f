import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MetricsService } from './metrics.service';

/** Sets the `oauth_tokens{provider,status}` gauge from one GROUP BY at scrape time. */
@Injectable()
export class TokenCountsRefresher {
  private readonly logger = new Logger(TokenCountsRefresher.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  async refresh(): Promise<void> {
    try {
      const rows: { provider: string; status: string; count: string }[] = await this.dataSource.query(
        'SELECT provider, token_status AS status, count(*) AS count FROM oauth_tokens GROUP BY provider, token_status',
      );
      this.metrics.setTokenCounts(rows.map((row) => ({ ...row, count: Number(row.count) })));
    } catch (error) {
      // A scrape during a database outage still serves the process metrics.
      this.logger.warn(`Could not count tokens for /metrics: ${(error as Error).message}`);
    }
  }
}
