import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AlertingModule } from '../alerting/alerting.module';
import { ApiScopeGuard } from '../auth/api-scope.guard';
import { TOKEN_HEALTH_AUTH_GUARD } from '../auth/auth.tokens';
import { TokenHealthGuard } from '../auth/token-health.guard';
import { TerminusModule } from '@nestjs/terminus';
import { ConnectModule } from '../connect/connect.module';
import { MetricsModule } from '../metrics/metrics.module';
import { metricsControllerAt } from '../metrics/metrics.routes';
import { OAuthModule } from '../oauth/oauth.module';
import { CheckCycleRunner } from './check-cycle.runner';
import { CheckCycleStats } from './check-cycle.stats';
import { TokenAlertComposer } from './token-alert.composer';
import { NextScheduledCheck } from './next-scheduled-check';
import { ProviderConfigurationComposer } from './configuration/provider-configuration.composer';
import { ProviderConfigurationRepository } from './configuration/provider-configuration.repository';
import { ProviderConfigurationService } from './configuration/provider-configuration.service';
import { TokenAlertDigestComposer } from './token-alert-digest.composer';
import { TokenAlertService } from './token-alert.service';
import { TokenHealthCron } from './token-health.cron';
import { TokenHealthIndicator } from './token-health.indicator';
import { TokenHealthResolver } from './token-health.resolver';
import { TokenHealthService } from './token-health.service';
import { DatabaseClock } from '../database/database-clock';
import { TokenHealthConfigModule } from './token-health-config.module';
import { ConfigurableTokenHealthModule, TOKEN_HEALTH_ASYNC_OPTIONS_TYPE, TOKEN_HEALTH_OPTIONS_TYPE } from './token-health.module-definition';
import { TokenHealthModuleExtras } from './token-health.options';
import { ApiKeysResolver } from './api-keys.resolver';
import { FleetResolver } from './fleet.resolver';
import { FleetService } from './fleet.service';
import { ProviderOutageSource } from './provider-outage.source';
import { TokenCountsService } from './token-counts.service';
import { ProviderOutageComposer } from './outages/provider-outage.composer';
import { ProviderOutageRepository } from './outages/provider-outage.repository';
import { ProviderOutageService } from './outages/provider-outage.service';
import { OutageEvaluationTicker } from './outages/outage-evaluation.ticker';
import { OnDemandCheckService } from './on-demand-check.service';
import { consoleControllersAt } from '../admin-console/admin-console.routes';
import { ConsoleExceptionFilter } from '../admin-console/console-exception.filter';
import { ConsoleRoutes } from '../admin-console/console-routes';
import { ConsoleAuthGuard } from '../admin-console/console-auth.guard';
import { ConsoleCsrfGuard } from '../admin-console/console-csrf.guard';
import { ConsoleLoginService } from '../admin-console/console-login.service';
import { ConsoleSessionService } from '../admin-console/console-session.service';
import { TOKEN_HEALTH_CONSOLE_GUARD } from '../admin-console/console.tokens';
import { ConsoleSessionGenerationRepository } from '../admin-console/console-session-generation.repository';
import { AuthModule } from '../auth/auth.module';
import { TokenCountsCache } from './token-counts.cache';
import { restApi } from '../api/rest-api.feature';

/**
 * Keeps OAuth connections alive and reports their health, inside a host app.
 * The host provides: TypeOrmModule (its default DataSource or the one named by
 * the `dataSource` extra, with
 * TOKEN_HEALTH_ENTITIES and TOKEN_HEALTH_MIGRATIONS), ScheduleModule.forRoot()
 * and a code-first GraphQL driver the resolver joins. Nothing here is global
 * but the resolved config; no filters, pipes or interceptors are installed app-wide.
 */
@Module({})
export class TokenHealthModule extends ConfigurableTokenHealthModule {
  static override forRoot(options: typeof TOKEN_HEALTH_OPTIONS_TYPE): DynamicModule {
    return withFeatures(super.forRoot(options), options);
  }

  static override forRootAsync(options: typeof TOKEN_HEALTH_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withFeatures(super.forRootAsync(options), options);
  }
}

function withFeatures(definition: DynamicModule, extras: TokenHealthModuleExtras): DynamicModule {
  // forRoot carries the host's imports as an extra, forRootAsync in the definition.
  const hostImports = [...(definition.imports ?? []), ...(extras.imports ?? [])];
  const guard: Provider = extras.guard
    ? { provide: TOKEN_HEALTH_AUTH_GUARD, useClass: extras.guard }
    : { provide: TOKEN_HEALTH_AUTH_GUARD, useExisting: ApiScopeGuard };
  const consoleEnabled = extras.console?.enabled !== false;
  const consoleRoutes = new ConsoleRoutes(extras.console?.path);
  const rest = restApi(extras.api);
  const consoleGuard: Provider = extras.console?.guard
    ? { provide: TOKEN_HEALTH_CONSOLE_GUARD, useClass: extras.console.guard }
    : { provide: TOKEN_HEALTH_CONSOLE_GUARD, useValue: null };
  return {
    module: definition.module,
    imports: [
      TokenHealthConfigModule.register(definition.providers ?? [], hostImports, extras.dataSource),
      ...hostImports,
      TerminusModule,
      AuthModule,
      OAuthModule,
      ConnectModule,
      MetricsModule,
      AlertingModule.forRoot(extras.alerting, hostImports),
    ],
    controllers: [
      ...(consoleEnabled ? consoleControllersAt(consoleRoutes.base.slice(1)) : []),
      ...(extras.metrics?.enabled === false ? [] : [metricsControllerAt(trimSlashes(extras.metrics?.path ?? 'metrics'))]),
      ...rest.controllers,
    ],
    providers: [
      guard,
      TokenHealthGuard,
      ...rest.providers,
      DatabaseClock,
      CheckCycleRunner,
      CheckCycleStats,
      TokenAlertComposer,
      NextScheduledCheck,
      ProviderConfigurationRepository,
      ProviderConfigurationComposer,
      ProviderConfigurationService,
      TokenAlertDigestComposer,
      TokenAlertService,
      TokenHealthService,
      TokenHealthCron,
      TokenHealthIndicator,
      TokenHealthResolver,
      TokenCountsCache,
      TokenCountsService,
      ProviderOutageRepository,
      ProviderOutageComposer,
      ProviderOutageService,
      OutageEvaluationTicker,
      OnDemandCheckService,
      { provide: ProviderOutageSource, useExisting: ProviderOutageService },
      FleetService,
      FleetResolver,
      ApiKeysResolver,
      consoleGuard,
      { provide: ConsoleRoutes, useValue: consoleRoutes },
      ConsoleExceptionFilter,
      ConsoleSessionService,
      ConsoleLoginService,
      ConsoleSessionGenerationRepository,
      ConsoleAuthGuard,
      ConsoleCsrfGuard,
    ],
    exports: [
      TokenHealthService,
      FleetService,
      TokenHealthIndicator,
      TokenCountsCache,
      CheckCycleStats,
      ProviderOutageService,
      OAuthModule,
      ConnectModule,
      AlertingModule,
      MetricsModule,
      AuthModule,
      TOKEN_HEALTH_AUTH_GUARD,
    ],
  };
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
