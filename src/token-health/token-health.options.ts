import { CanActivate, ModuleMetadata, Type } from '@nestjs/common';
import { AlertingServiceProvider } from '../alerting/alerting.module';
import { RestApiOptions } from '../api/rest-api.feature';

/** Options that shape the module itself, so they are given beside (not inside) `forRootAsync`'s factory. */
export interface TokenHealthModuleExtras {
  /** Your own AlertingService: `{ useClass }`, `{ useExisting }` or `{ useFactory, inject }`. Default: Slack + email + SMS + webhook via the outbox. */
  alerting?: AlertingServiceProvider;
  /**
   * Your own guard for the GraphQL API (e.g. a JWT guard); it then decides scopes too (each resolver's
   * `REQUIRED_SCOPE` metadata). Default: `Authorization: Bearer <adminApiToken or an API key>`, with the
   * scope each operation requires.
   */
  guard?: Type<CanActivate>;
  /** The name you gave `TypeOrmModule.forRoot({ name })` for the module's tables. Default: your default DataSource. */
  dataSource?: string;
  /** Modules your alerting service, guard or options factory need. */
  imports?: ModuleMetadata['imports'];
  /**
   * The admin console: on by default, under `/admin`. `guard`: your own guard for it (e.g. your
   * SSO session), replacing its login with the admin token; its forms still carry CSRF tokens.
   */
  console?: { enabled?: boolean; path?: string; guard?: Type<CanActivate> };
  /** Prometheus text on `GET /metrics` (or `path`); `enabled: false` leaves the route out (the registry stays in MetricsService). */
  metrics?: { enabled?: boolean; path?: string };
  /**
   * The REST API: on by default, under `/api/v1` (document at `/api/openapi.json`). `guard`: your own
   * guard for it (e.g. your JWT guard) instead of the admin token; it can read each route's scope
   * with `Reflector` under `REQUIRED_SCOPE` (`read`, `check`, `connect`, `register`).
   */
  api?: RestApiOptions;
}
