import Joi from 'joi';
import { ConfigError } from './config.error';
import { parseSecureUrl } from './allowed-origin';
import { envPrefixOf, OAuthProviderSettings } from './oauth-provider-settings';

export { envPrefixOf } from './oauth-provider-settings';
export type { OAuthProviderSettings } from './oauth-provider-settings';

const DEFAULT_OAUTH_PROVIDERS = 'zoho';

/** Every `<P>_*` setting of an enabled provider `<P>`, its refresh throttles included. */
export const PROVIDER_VARIABLE_SUFFIXES = [
  'CLIENT_ID',
  'CLIENT_SECRET',
  'SCOPES',
  'ISSUER',
  'TOKEN_URL',
  'AUTHORIZE_URL',
  'REVOKE_URL',
  'TENANT',
  'PRESET',
  'MAX_REFRESH_RATE',
  'MAX_REFRESH_CONCURRENCY',
] as const;
const PROVIDER_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * OAUTH_PROVIDERS and the `<P>_*` variables of every provider it names. The variable
 * names depend on the list, so they are checked here rather than in the static schema.
 */
export function parseOAuthProviders(env: Record<string, string>): OAuthProviderSettings[] {
  const names = splitWords(env.OAUTH_PROVIDERS ?? DEFAULT_OAUTH_PROVIDERS).map((name) => name.toLowerCase());
  if (names.length === 0) throw invalid('OAUTH_PROVIDERS must name at least one provider');
  const prefixes = new Map<string, string>();
  return [...new Set(names)].map((name) => {
    if (!PROVIDER_NAME.test(name)) {
      throw invalid(`OAUTH_PROVIDERS: "${name.slice(0, 40)}" is not a provider name (a letter, then letters, digits, "-" or "_", at most 32)`);
    }
    const prefix = envPrefixOf(name);
    const clash = prefixes.get(prefix);
    if (clash) throw invalid(`OAUTH_PROVIDERS: "${clash}" and "${name}" would share the ${prefix}_* variables`);
    prefixes.set(prefix, name);
    return parseOne(name, prefix, env);
  });
}

function parseOne(name: string, prefix: string, env: Record<string, string>): OAuthProviderSettings {
  const variable = (suffix: string) => `${prefix}_${suffix}`;
  const text = (suffix: string) => {
    const validated = Joi.string().trim().max(2048).validate(env[variable(suffix)]);
    if (validated.error) throw invalid(`${variable(suffix)} ${validated.error.message.replace(/^"value" /, '')}`);
    return validated.value as string | undefined;
  };
  const url = (suffix: string) => {
    const raw = text(suffix);
    if (raw === undefined) return undefined;
    const parsed = parseSecureUrl(raw);
    if (!parsed) throw invalid(`${variable(suffix)} must be an https URL (plain http only for loopback hosts), got "${raw.slice(0, 100)}"`);
    return parsed;
  };
  const positive = (suffix: string, schema: Joi.NumberSchema) => {
    const raw = text(suffix);
    if (raw === undefined) return undefined;
    const validated = schema.validate(raw);
    if (validated.error) throw invalid(`${variable(suffix)} ${validated.error.message.replace(/^"value" /, '')}, got "${raw.slice(0, 40)}"`);
    return validated.value;
  };
  const scopes = text('SCOPES');
  const tenant = text('TENANT');
  if (tenant !== undefined && !/^[A-Za-z0-9.-]{1,100}$/.test(tenant)) {
    throw invalid(`${variable('TENANT')} must be a tenant id or domain (letters, digits, "." and "-")`);
  }
  return {
    name,
    envPrefix: prefix,
    clientId: text('CLIENT_ID'),
    clientSecret: text('CLIENT_SECRET'),
    scopes: scopes === undefined ? undefined : splitWords(scopes),
    issuer: url('ISSUER'),
    tokenUrl: url('TOKEN_URL'),
    authorizeUrl: url('AUTHORIZE_URL'),
    revokeUrl: url('REVOKE_URL'),
    tenant,
    preset: text('PRESET')?.toLowerCase(),
    maxRefreshRate: positive('MAX_REFRESH_RATE', Joi.number().positive().max(1_000_000)),
    maxRefreshConcurrency: positive('MAX_REFRESH_CONCURRENCY', Joi.number().integer().min(1).max(10_000)),
  };
}

// Scopes and provider lists are accepted comma- or space-separated.
function splitWords(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);
}

function invalid(message: string): ConfigError {
  return new ConfigError(`Invalid configuration: ${message}`);
}
