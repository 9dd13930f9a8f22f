import { Module } from '@nestjs/common';
import { OAuthReportsModule } from '../oauth/oauth-reports.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { TokenCountsRefresher } from './token-counts.refresher';

@Module({
  imports: [OAuthReportsModule],
  controllers: [MetricsController],
  providers: [MetricsService, TokenCountsRefresher],
  exports: [MetricsService],
})
export class MetricsModule {}
