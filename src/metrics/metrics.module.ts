import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MetricsService } from './metrics.service';
import { MetricsTokenGuard } from './metrics-token.guard';

// The route is mounted by TokenHealthModule, at the path its host chose.
@Module({
  imports: [AuthModule],
  providers: [MetricsService, MetricsTokenGuard],
  exports: [MetricsService, MetricsTokenGuard],
})
export class MetricsModule {}
