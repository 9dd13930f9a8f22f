import { CanActivate, ModuleMetadata, Type } from '@nestjs/common';
import { AlertingServiceProvider } from '../alerting/alerting.module';
import { AppConfig } from '../config/app-config';
import { OAuthProviderSettings } from '../config/oauth-provider-settings';

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends Buffer | readonly unknown[] | ((...args: never[]) => unknown) ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

/**
 * What a host app gives `TokenHealthModule.forRoot()` (or returns from
 * `forRootAsync`'s factory). Everything but the key and the public base URL has
 * the defaults of the README's configuration table; the groups mirror it:
 * `tokenHealth` (schedule, window, concurrency, …), `oauthProviders` (providers
 * and their credentials), `zoho` (accounts servers), `alerts` (channels),
 * `outage`, `connect` (link lifetimes).
 */
export interface TokenHealthModuleOptions extends DeepPartial<
  Omit<AppConfig, 'tokenEncryptionKey' | 'previousEncryptionKeys' | 'publicBaseUrl' | 'oauthProviders'>
> {
  /**
   * Enabled providers with their app credentials, e.g. `[{ name: 'zoho', clientId, clientSecret }]`;
   * a preset name (`zoho`, `google`, `microsoft`, `salesforce`, `hubspot`) or a custom one with
   * `issuer` or `tokenUrl` + `authorizeUrl`. Default: Zoho without credentials.
   */
  oauthProviders?: (Omit<OAuthProviderSettings, 'envPrefix'> & { envPrefix?: string })[];
  /** 32 bytes (a Buffer, 64 hex characters or base64) encrypting tokens and secrets at rest. */
  encryptionKey: Buffer | string;
  /** Older keys that may still decrypt stored values (key rotation). */
  previousEncryptionKeys?: (Buffer | string)[];
  /** Absolute base URL of the host app as providers and admins reach it (redirect URIs, links in alerts). */
  publicBaseUrl: string;
}

/** Options that shape the module itself, so they are given beside (not inside) `forRootAsync`'s factory. */
export interface TokenHealthModuleExtras {
  /** Your own AlertingService: `{ useClass }`, `{ useExisting }` or `{ useFactory, inject }`. Default: Slack + email + SMS + webhook via the outbox. */
  alerting?: AlertingServiceProvider;
  /** Your own guard for the GraphQL API (e.g. a JWT guard). Default: `Authorization: Bearer <adminApiToken>`. */
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
}
