import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { TokenHealthIndicator } from '../token-health/token-health.indicator';

/** The ping answers within this, so a probe never hangs on a silent database. */
const READINESS_TIMEOUT_MS = 2000;

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly tokenHealth: TokenHealthIndicator,
  ) {}

  /** Readiness: the database answers `SELECT 1` and the checker has not stalled. Nothing else runs per probe. */
  @Get()
  @HealthCheck()
  readiness() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: READINESS_TIMEOUT_MS }),
      () => this.tokenHealth.isHealthy('tokenHealth'),
    ]);
  }

  /** Liveness: the process answers. */
  @Get('live')
  @HealthCheck()
  liveness() {
    return this.health.check([]);
  }
}
