import { Controller, Get, Header } from '@nestjs/common';
import { TokenCountsRefresher } from './token-counts.refresher';
import { MetricsService } from './metrics.service';

@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly tokenCounts: TokenCountsRefresher,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    await this.tokenCounts.refresh();
    return this.metrics.registry.metrics();
  }
}
