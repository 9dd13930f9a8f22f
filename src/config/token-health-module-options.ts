import { AppConfig } from './app-config';
import { OAuthProviderSettings } from './oauth-provider-settings';

/** Injection token of the options a host gives `TokenHealthModule.forRoot()`, resolved into AppConfig. */
export const TOKEN_HEALTH_MODULE_OPTIONS = 'TOKEN_HEALTH_MODULE_OPTIONS';

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
