import { Controller, Type } from '@nestjs/common';
import { MetricsController } from './metrics.controller';

/** The metrics controller mounted where the host wants it (a host app may already serve its own `/metrics`). */
export function metricsControllerAt(path: string): Type<MetricsController> {
  if (path === 'metrics') return MetricsController;
  class MountedMetricsController extends MetricsController {}
  Controller(path)(MountedMetricsController);
  return MountedMetricsController;
}
