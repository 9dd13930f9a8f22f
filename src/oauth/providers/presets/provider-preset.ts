import { OAuthProviderErrorCode } from '../../oauth-provider.error';

/** How the OAuth client proves itself at the token endpoint (RFC 6749 §2.3.1). */
export type ClientAuthMethod = 'client_secret_post' | 'client_secret_basic';

/**
 * One line of a provider's error table. Every condition given must hold; the
 * first matching rule of a preset wins, then the RFC 6749 defaults apply.
 */
export interface ErrorRule {
  verdict: OAuthProviderErrorCode;
  /** Accepted values of the answer's `error` field. */
  error?: string[];
  /** Other string fields of the answer and their accepted values (HubSpot's `status`). */
  fields?: Record<string, string[]>;
  /** Tested against `error_description` (or `message`). */
  description?: RegExp;
  /** Why, in words an operator understands; goes into the stored error. */
  reason: string;
}

/** A provider's documented cap on token requests for one refresh token. */
export interface TokenRequestLimit {
  requests: number;
  perMinutes: number;
}

/** Which wire adapter speaks to the provider. */
export type AdapterKind = 'rfc6749' | 'zoho';

/**
 * A built-in provider described as data: endpoints, defaults and how its
 * answers are read. `{tenant}` in a URL is replaced by `<P>_TENANT` or `defaultTenant`.
 */
export interface ProviderPreset {
  name: string;
  /** How people call it, in stored errors and pages. */
  title: string;
  adapter: AdapterKind;
  authorizeUrl: string;
  tokenUrl: string;
  /** RFC 7009 endpoint; absent when the provider has none we can call with a refresh token alone. */
  revokeUrl?: string;
  defaultTenant?: string;
  defaultScopes: string[];
  /** Always asked for, whatever `<P>_SCOPES` says (Microsoft issues no refresh token without offline_access). */
  requiredScopes?: string[];
  /** RFC 6749 wants spaces; some providers want commas. */
  scopeSeparator: ' ' | ',';
  /** Extra query parameters of the authorize request (offline access, forced consent). */
  authorizeParams: Record<string, string>;
  clientAuth: ClientAuthMethod;
  errorRules: ErrorRule[];
  /** Field of the token answer naming the API host of this grant (Salesforce's `instance_url`). */
  apiDomainField?: string;
  /** Documented per-refresh-token limit on token requests; absent when the provider documents none (docs/providers.md). */
  tokenRequestLimit?: TokenRequestLimit;
  /** The documented limit on refresh requests (docs/providers.md cites each); absent: none documented, adaptive only. */
  refreshBudget?: { maxRate?: number; maxConcurrency?: number };
}
