import { CanActivate, DynamicModule, Module, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { AlertingModule, AlertingServiceProvider } from '../alerting/alerting.module';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { TOKEN_HEALTH_AUTH_GUARD } from '../auth/auth.tokens';
import { TokenHealthGuard } from '../auth/token-health.guard';
import { TerminusModule } from '@nestjs/terminus';
import { ConnectModule } from '../connect/connect.module';
import { ConnectController } from '../connect/connect.controller';
import { ConnectFlowService } from '../connect/connect-flow.service';
import { OAuthStateStore } from '../connect/oauth-state.store';
import { MetricsModule } from '../metrics/metrics.module';
import { OAuthModule } from '../oauth/oauth.module';
import { CheckCycleRunner } from './check-cycle.runner';
import { CheckCycleStats } from './check-cycle.stats';
import { TokenAlertComposer } from './token-alert.composer';
import { TokenAlertService } from './token-alert.service';
import { TokenHealthCron } from './token-health.cron';
import { TokenHealthIndicator } from './token-health.indicator';
import { TokenHealthResolver } from './token-health.resolver';
import { TokenHealthService } from './token-health.service';
import { TokenSweepRepository } from './token-sweep.repository';
import { FleetResolver } from './fleet.resolver';
import { FleetService } from './fleet.service';
import { NoProviderOutages } from './no-provider-outages';
import { ProviderOutageSource } from './provider-outage.source';
import { TokenCountsService } from './token-counts.service';

export interface TokenHealthModuleOptions {
  /** Your own AlertingService: `{ useClass }`, `{ useExisting }` or `{ useFactory, inject }`. Default: Slack + email + SMS via the outbox. */
  alerting?: AlertingServiceProvider;
  /** Your own API guard (e.g. a JWT guard). Default: `Authorization: Bearer $ADMIN_API_TOKEN`. */
  guard?: Type<CanActivate>;
  /** Modules your alerting service or guard needs. */
  imports?: ModuleMetadata['imports'];
}

/**
 * Keeps OAuth connections alive and reports their health. Needs, in the host
 * app: AppConfigModule, TypeOrmModule (with ENTITIES and MIGRATIONS),
 * ScheduleModule.forRoot() and a GraphQL driver for the resolver.
 */
@Module({})
export class TokenHealthModule {
  static forRoot(options: TokenHealthModuleOptions = {}): DynamicModule {
    const guard: Provider = { provide: TOKEN_HEALTH_AUTH_GUARD, useClass: options.guard ?? AdminTokenGuard };
    return {
      module: TokenHealthModule,
      imports: [...(options.imports ?? []), TerminusModule, OAuthModule, ConnectModule, MetricsModule, AlertingModule.forRoot(options.alerting, options.imports)],
      // The connect flow lives here, not in ConnectModule: it needs OAuth and alert providers, which would make a cycle.
      controllers: [ConnectController],
      providers: [
        guard,
        TokenHealthGuard,
        TokenSweepRepository,
        CheckCycleRunner,
        CheckCycleStats,
        TokenAlertComposer,
        TokenAlertService,
        TokenHealthService,
        TokenHealthCron,
        TokenHealthIndicator,
        TokenHealthResolver,
        OAuthStateStore,
        ConnectFlowService,
        TokenCountsService,
        { provide: ProviderOutageSource, useClass: NoProviderOutages },
        FleetService,
        FleetResolver,
      ],
      exports: [TokenHealthService, FleetService, TokenHealthIndicator, CheckCycleStats, OAuthModule, ConnectModule, AlertingModule, TOKEN_HEALTH_AUTH_GUARD],
    };
  }
}
