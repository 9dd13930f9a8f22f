import { parseSecureUrl } from '../../config/allowed-origin';
import { ConfigError, ConfigErrorCode } from '../../config/config.error';
import { ClientAuthMethod } from './presets/provider-preset';

/** What this service needs from an OpenID Provider's metadata (OpenID Connect Discovery 1.0 §3). */
export interface OidcEndpoints {
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl?: string;
  clientAuth: ClientAuthMethod;
  supportsOfflineAccess: boolean;
}

const MAX_DOCUMENT_BYTES = 256 * 1024;

/**
 * Fetches `<issuer>/.well-known/openid-configuration` once, at start. Any problem is a
 * configuration error naming the variable: a provider we cannot describe is not started half-way.
 */
export async function discoverOidcEndpoints(variable: string, issuer: string, timeoutMs: number): Promise<OidcEndpoints> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const fail = (reason: string) =>
    new ConfigError(`Invalid configuration: ${variable}: OpenID Connect discovery at ${url} failed: ${reason}`, ConfigErrorCode.DiscoveryFailed);
  let document: unknown;
  try {
    const response = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    if (response.status !== 200) throw fail(`HTTP ${response.status}`);
    const text = await response.text();
    if (text.length > MAX_DOCUMENT_BYTES) throw fail('the document is too large');
    document = JSON.parse(text);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') throw fail(`no answer within ${timeoutMs} ms`);
    if (error instanceof SyntaxError) throw fail('the answer is not JSON');
    throw fail(`unreachable (${networkCode(error)})`);
  }
  return readMetadata(document, issuer, fail);
}

function readMetadata(document: unknown, issuer: string, fail: (reason: string) => ConfigError): OidcEndpoints {
  if (typeof document !== 'object' || document === null) throw fail('the answer is not a JSON object');
  const metadata = document as Record<string, unknown>;
  // §4.3: the issuer in the document must be the one we asked, or anyone could answer for it.
  if (typeof metadata.issuer !== 'string' || trimSlash(metadata.issuer) !== trimSlash(issuer)) {
    throw fail(`its issuer is ${JSON.stringify(metadata.issuer ?? 'missing').slice(0, 100)}, not ${issuer}`);
  }
  const endpoint = (field: string, required: boolean): string | undefined => {
    const value = metadata[field];
    if (value === undefined && !required) return undefined;
    const url = typeof value === 'string' ? parseSecureUrl(value) : undefined;
    if (!url) throw fail(`${field} is missing or not an https URL`);
    return url;
  };
  const methods = Array.isArray(metadata.token_endpoint_auth_methods_supported)
    ? metadata.token_endpoint_auth_methods_supported
    : ['client_secret_basic'];
  const scopes = Array.isArray(metadata.scopes_supported) ? metadata.scopes_supported : [];
  return {
    authorizeUrl: endpoint('authorization_endpoint', true)!,
    tokenUrl: endpoint('token_endpoint', true)!,
    revokeUrl: endpoint('revocation_endpoint', false),
    // Basic is the OIDC default; post only when that is all the provider offers.
    clientAuth: methods.includes('client_secret_basic') || !methods.includes('client_secret_post') ? 'client_secret_basic' : 'client_secret_post',
    supportsOfflineAccess: scopes.includes('offline_access'),
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function networkCode(error: unknown): string {
  const failure = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = failure?.cause?.code ?? failure?.code;
  return typeof code === 'string' ? code : 'network error';
}
