import { AppConfig } from '../../config/app-config';
import { ConfigError } from '../../config/config.error';
import { OAuthProviderSettings } from '../../config/oauth-provider-settings';
import { OAuthClientCredentials } from '../oauth-credentials';
import { discoverOidcEndpoints, OidcEndpoints } from './oidc-discovery';
import { PROVIDER_PRESETS } from './presets';
import { AdapterKind, ProviderPreset } from './presets/provider-preset';
import { ProviderDefinition } from './provider-definition';

/** Where a provider's tokens may be refreshed: one server, or Zoho's data centres. */
interface AccountsServers {
  defaultServer: string;
  allowedOrigins: string[];
  /** The variable an operator changes to allow another one. */
  variable: string;
}

/** Everything known about one enabled provider after start: how to talk to it and with which app. */
export interface CatalogEntry {
  adapter: AdapterKind;
  definition: ProviderDefinition;
  envPrefix: string;
  credentials?: OAuthClientCredentials;
  scopes: string[];
  accountsServers: AccountsServers;
  /** Refresh requests per second and in flight, all replicas together: `<P>_MAX_REFRESH_*`, else the preset's. */
  refreshBudget: { maxRate?: number; maxConcurrency?: number };
}

const catalogs = new WeakMap<AppConfig, Promise<CatalogEntry[]>>();

/**
 * The enabled providers, resolved once per configuration: bootstrap awaits it before the
 * application is built (so a bad issuer fails the start with one line) and the module's
 * registry reuses the same result, discovery documents included.
 */
export function loadProviderCatalog(config: AppConfig): Promise<CatalogEntry[]> {
  let catalog = catalogs.get(config);
  if (!catalog) {
    catalog = Promise.all(config.oauthProviders.map((settings) => resolveEntry(settings, config)));
    catalogs.set(config, catalog);
  }
  return catalog;
}

async function resolveEntry(settings: OAuthProviderSettings, config: AppConfig): Promise<CatalogEntry> {
  const preset = PROVIDER_PRESETS.get(settings.preset ?? settings.name);
  if (settings.preset && !preset) {
    throw new ConfigError(
      `Invalid configuration: ${settings.envPrefix}_PRESET must be one of ${[...PROVIDER_PRESETS.keys()].join(', ')} (got "${settings.preset.slice(0, 40)}")`,
    );
  }
  const discovered = settings.issuer
    ? await discoverOidcEndpoints(`${settings.envPrefix}_ISSUER`, settings.issuer, config.oauthDiscoveryTimeoutMs)
    : undefined;
  const definition = preset ? presetDefinition(preset, settings, discovered) : customDefinition(settings, discovered);
  // Zoho's data centres are one list for every Zoho app; the `zoho` group (ZOHO_* before the
  // catalog, a host's `zoho` option) also holds the app of the provider named `zoho`.
  const zoho = preset?.adapter === 'zoho' ? config.zoho : undefined;
  const zohoApp = settings.name === 'zoho' ? zoho : undefined;
  const clientId = settings.clientId ?? zohoApp?.clientId;
  const clientSecret = settings.clientSecret ?? zohoApp?.clientSecret;
  if (Boolean(clientId) !== Boolean(clientSecret)) throw halfConfiguredApp(settings.envPrefix, clientId ? 'CLIENT_SECRET' : 'CLIENT_ID');
  return {
    adapter: preset?.adapter ?? 'rfc6749',
    definition,
    envPrefix: settings.envPrefix,
    credentials: clientId && clientSecret ? { clientId, clientSecret } : undefined,
    scopes: settings.scopes ?? zohoApp?.scopes ?? preset?.defaultScopes ?? (discovered ? defaultOidcScopes(discovered) : []),
    accountsServers: zoho ? zohoDataCentres(config) : singleServer(definition, settings.envPrefix),
    refreshBudget: {
      maxRate: settings.maxRefreshRate ?? preset?.refreshBudget?.maxRate,
      maxConcurrency: settings.maxRefreshConcurrency ?? preset?.refreshBudget?.maxConcurrency,
    },
  };
}

// Half an app is a typo or a lost secret, never a choice: every refresh of the provider would fail the same way.
function halfConfiguredApp(envPrefix: string, missing: 'CLIENT_ID' | 'CLIENT_SECRET'): ConfigError {
  const present = missing === 'CLIENT_ID' ? 'CLIENT_SECRET' : 'CLIENT_ID';
  return new ConfigError(`Invalid configuration: ${envPrefix}_${missing} is required when ${envPrefix}_${present} is set (set both, or neither)`);
}

function presetDefinition(preset: ProviderPreset, settings: OAuthProviderSettings, discovered?: OidcEndpoints): ProviderDefinition {
  if (preset.adapter === 'zoho' && (settings.issuer || settings.tokenUrl || settings.authorizeUrl || settings.revokeUrl)) {
    throw new ConfigError(
      `Invalid configuration: ${settings.envPrefix}_ISSUER/_TOKEN_URL/_AUTHORIZE_URL/_REVOKE_URL do not apply to Zoho; set ZOHO_ACCOUNTS_URL`,
    );
  }
  const tenant = settings.tenant ?? preset.defaultTenant ?? '';
  const fill = (url: string) => url.replace('{tenant}', encodeURIComponent(tenant));
  return {
    name: settings.name,
    title: preset.title,
    authorizeUrl: settings.authorizeUrl ?? discovered?.authorizeUrl ?? fill(preset.authorizeUrl),
    tokenUrl: settings.tokenUrl ?? discovered?.tokenUrl ?? fill(preset.tokenUrl),
    revokeUrl: settings.revokeUrl ?? discovered?.revokeUrl ?? (preset.revokeUrl && fill(preset.revokeUrl)),
    requiredScopes: preset.requiredScopes ?? [],
    scopeSeparator: preset.scopeSeparator,
    authorizeParams: preset.authorizeParams,
    clientAuth: preset.clientAuth,
    errorRules: preset.errorRules,
    apiDomainField: preset.apiDomainField,
    tokenRequestLimit: preset.tokenRequestLimit,
  };
}

function customDefinition(settings: OAuthProviderSettings, discovered?: OidcEndpoints): ProviderDefinition {
  const authorizeUrl = settings.authorizeUrl ?? discovered?.authorizeUrl;
  const tokenUrl = settings.tokenUrl ?? discovered?.tokenUrl;
  if (!authorizeUrl || !tokenUrl) {
    const missing = !settings.tokenUrl && !settings.authorizeUrl ? 'ISSUER' : !tokenUrl ? 'TOKEN_URL' : 'AUTHORIZE_URL';
    throw new ConfigError(
      `Invalid configuration: ${settings.envPrefix}_${missing} is required: "${settings.name}" is not a built-in provider, so set ${settings.envPrefix}_ISSUER (OpenID Connect discovery) or ${settings.envPrefix}_TOKEN_URL and ${settings.envPrefix}_AUTHORIZE_URL`,
    );
  }
  const scopes = settings.scopes ?? (discovered ? defaultOidcScopes(discovered) : []);
  return {
    name: settings.name,
    title: settings.name,
    authorizeUrl,
    tokenUrl,
    revokeUrl: settings.revokeUrl ?? discovered?.revokeUrl,
    requiredScopes: [],
    scopeSeparator: ' ',
    // OpenID Connect Core §11: offline_access is ignored unless consent is prompted for.
    authorizeParams: scopes.includes('offline_access') ? { prompt: 'consent' } : {},
    clientAuth: discovered?.clientAuth ?? 'client_secret_post',
    errorRules: [],
  };
}

function defaultOidcScopes(discovered: OidcEndpoints): string[] {
  return discovered.supportsOfflineAccess ? ['openid', 'offline_access'] : ['openid'];
}

function zohoDataCentres(config: AppConfig): AccountsServers {
  return { defaultServer: config.zoho.accountsUrl, allowedOrigins: config.zoho.allowedAccountsOrigins, variable: 'ZOHO_ALLOWED_ACCOUNTS_URLS' };
}

// Providers with absolute endpoints have one accounts server: their token endpoint's origin.
function singleServer(definition: ProviderDefinition, envPrefix: string): AccountsServers {
  const origin = new URL(definition.tokenUrl).origin;
  return { defaultServer: origin, allowedOrigins: [origin], variable: `${envPrefix}_TOKEN_URL` };
}
