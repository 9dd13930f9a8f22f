import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { TokenHealthIndicator } from 'token-health';

/** The host's own readiness endpoint; token-health contributes one indicator to it. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly tokenHealth: TokenHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.database.pingCheck('database'), () => this.tokenHealth.isHealthy('tokenHealth')]);
  }
}
