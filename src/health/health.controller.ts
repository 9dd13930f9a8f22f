import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { TokenHealthIndicator } from '../token-health/token-health.indicator';

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
      () => this.database.pingCheck('database', { timeout: 2000 }),
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
