import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { TokenCountsRefresher } from './token-counts.refresher';

@Module({
  controllers: [MetricsController],
  providers: [MetricsService, TokenCountsRefresher],
  exports: [MetricsService],
})
export class MetricsModule {}
