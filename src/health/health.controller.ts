import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { TokenHealthIndicator } from '../token-health/token-health.indicator';

/** Each readiness check answers within this, so a probe never hangs on a silent database. */
const READINESS_TIMEOUT_MS = 2000;

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly tokenHealth: TokenHealthIndicator,
  ) {}

  /** Readiness: database reachable and the checker not stalled. */
  @Get()
  @HealthCheck()
  readiness() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: READINESS_TIMEOUT_MS }),
      () => this.tokenHealth.isHealthy('tokenHealth', { timeoutMs: READINESS_TIMEOUT_MS }),
    ]);
  }

  /** Liveness: the process answers. */
  @Get('live')
  @HealthCheck()
  liveness() {
    return this.health.check([]);
  }
}
