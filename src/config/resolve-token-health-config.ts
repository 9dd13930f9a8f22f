import { CronTime } from 'cron';
import { TokenHealthModuleOptions } from './token-health-module-options';
import { ZOHO_DATA_CENTRE_ACCOUNTS_URLS } from './zoho-accounts-servers';
import { toAllowedOrigin } from './allowed-origin';
import { AppConfig } from './app-config';
import { ConfigError } from './config.error';
import { parseEncryptionKey } from './encryption-key';
import { assertModuleOptions } from './module-option-rules';
import { envPrefixOf } from './oauth-provider-settings';
import { tokenHealthDefaults } from './token-health-defaults';

/**
 * Turns a host's options into the module's AppConfig: defaults filled in,
 * keys decoded, URLs normalised. Throws one ConfigError naming the option.
 */
export function resolveTokenHealthConfig(options: TokenHealthModuleOptions): AppConfig {
  const { encryptionKey, previousEncryptionKeys, publicBaseUrl, oauthProviders, ...rest } = options;
  const config = Object.assign(new AppConfig(), mergeDefined(tokenHealthDefaults(), rest));
  if (oauthProviders) {
    if (oauthProviders.length === 0) throw new ConfigError('Invalid TokenHealthModule options: oauthProviders must name at least one provider');
    config.oauthProviders = oauthProviders.map((provider) => ({ ...provider, envPrefix: provider.envPrefix ?? envPrefixOf(provider.name) }));
  }

  if (encryptionKey === undefined || encryptionKey === null) {
    throw new ConfigError('Invalid TokenHealthModule options: encryptionKey is required');
  }
  config.tokenEncryptionKey = toKey('encryptionKey', encryptionKey);
  config.previousEncryptionKeys = (previousEncryptionKeys ?? []).map((key) => toKey('previousEncryptionKeys', key));

  if (!publicBaseUrl || !/^https?:\/\//.test(publicBaseUrl)) {
    throw new ConfigError(`Invalid TokenHealthModule options: publicBaseUrl must be an absolute http(s) URL (got "${publicBaseUrl}")`);
  }
  config.publicBaseUrl = publicBaseUrl.replace(/\/+$/, '');

  try {
    new CronTime(config.tokenHealth.cron);
  } catch {
    throw new ConfigError(`Invalid TokenHealthModule options: tokenHealth.cron is not a valid cron expression ("${config.tokenHealth.cron}")`);
  }

  const accountsUrl = toAllowedOrigin('zoho.accountsUrl', config.zoho.accountsUrl);
  const allowed = options.zoho?.allowedAccountsOrigins ?? ZOHO_DATA_CENTRE_ACCOUNTS_URLS;
  config.zoho = {
    ...config.zoho,
    accountsUrl,
    allowedAccountsOrigins: [...new Set([accountsUrl, ...allowed.map((url) => toAllowedOrigin('zoho.allowedAccountsOrigins', url))])],
  };
  assertModuleOptions(config);
  return config;
}

function toKey(option: string, key: Buffer | string): Buffer {
  if (Buffer.isBuffer(key)) {
    if (key.length !== 32) throw new ConfigError(`Invalid configuration: ${option} must be 32 bytes`);
    return key;
  }
  return parseEncryptionKey(option, key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

// Nested groups merge key by key; anything else (lists, Buffers, class instances) replaces the default.
function mergeDefined(base: object, override: object): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    merged[key] = isPlainObject(value) && isPlainObject(merged[key]) ? mergeDefined(merged[key], value) : value;
  }
  return merged;
}
