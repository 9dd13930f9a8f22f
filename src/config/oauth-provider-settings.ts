/** One enabled provider as configured: the raw per-provider variables, validated but not yet resolved. */
export interface OAuthProviderSettings {
  /** As listed in OAUTH_PROVIDERS; also the `provider` column value and the URL segment. */
  name: string;
  /** `<P>` of the per-provider variables (`my-idp` → `MY_IDP`). */
  envPrefix: string;
  clientId?: string;
  clientSecret?: string;
  /** Undefined: the preset's defaults (or none for a custom provider). */
  scopes?: string[];
  issuer?: string;
  tokenUrl?: string;
  authorizeUrl?: string;
  revokeUrl?: string;
  /** Fills a preset's `{tenant}` URL segment (Microsoft). */
  tenant?: string;
  /** A built-in preset this provider behaves as, under its own name and app (`<P>_PRESET`). */
  preset?: string;
  /** Refresh requests per second to this provider, all replicas together (`<P>_MAX_REFRESH_RATE`); undefined: the preset's. */
  maxRefreshRate?: number;
  /** Refresh requests in flight to this provider, all replicas together (`<P>_MAX_REFRESH_CONCURRENCY`). */
  maxRefreshConcurrency?: number;
}

/** `<P>` of a provider's variables: upper-cased, every non-alphanumeric as `_`. */
export function envPrefixOf(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
