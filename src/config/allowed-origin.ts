import { ConfigError } from './config.error';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Normalises an accounts-server URL to its origin. Only https is accepted,
 * except for loopback hosts so tests and local fakes can use plain http.
 */
export function toAllowedOrigin(variable: string, raw: string): string {
  const origin = parseAccountsOrigin(raw);
  if (!origin) {
    throw new ConfigError(`Invalid configuration: ${variable} must be https URLs (got "${raw}")`);
  }
  return origin;
}

/** The origin of an accounts-server URL, or undefined if it is not an acceptable one. */
export function parseAccountsOrigin(raw: string): string | undefined {
  const url = parseAcceptableUrl(raw);
  return url?.origin;
}

/** An endpoint URL (path kept, fragment dropped) under the same rule: https, or http on a loopback host. */
export function parseSecureUrl(raw: string): string | undefined {
  const url = parseAcceptableUrl(raw);
  if (!url) return undefined;
  url.hash = '';
  return url.toString();
}

function parseAcceptableUrl(raw: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  const secure = url.protocol === 'https:';
  const localPlain = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (!(secure || localPlain) || url.username || url.password) return undefined;
  return url;
}
