import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { TokenHealthIndicator } from '../token-health/token-health.indicator';
import { DatabaseProbeIndicator } from './database-probe.indicator';

/** The ping answers within this, so a probe never hangs on a silent database. */
const READINESS_TIMEOUT_MS = 2000;

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseProbeIndicator,
    private readonly tokenHealth: TokenHealthIndicator,
  ) {}

  /** Readiness: the database answers `SELECT 1` (on the reserved pool) and the checker has not stalled. Nothing else runs per probe. */
  @Get()
  @HealthCheck()
  readiness() {
    return this.health.check([() => this.database.pingCheck('database', READINESS_TIMEOUT_MS), () => this.tokenHealth.isHealthy('tokenHealth')]);
  }

  /** Liveness: the process answers. */
  @Get('live')
  @HealthCheck()
  liveness() {
    return this.health.check([]);
  }
}
