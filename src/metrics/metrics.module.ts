import { Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';
import { MetricsTokenGuard } from './metrics-token.guard';

// The route is mounted by TokenHealthModule, at the path its host chose.
@Module({
  providers: [MetricsService, MetricsTokenGuard],
  exports: [MetricsService, MetricsTokenGuard],
})
export class MetricsModule {}
