import { Injectable } from '@nestjs/common';
import { parseAccountsOrigin } from '../config/allowed-origin';
import { OAuthClientCredentials } from './oauth-credentials';
import { OAuthProviderError, OAuthProviderErrorCode } from './oauth-provider.error';
import { OAuthProviderRegistry } from './oauth-provider.registry';
import { CatalogEntry } from './providers/provider-catalog';

/**
 * OAuth application settings per (client, provider), read from the enabled provider's
 * catalog entry. Every client shares the environment's app credentials (see docs/decisions.md).
 */
@Injectable()
export class ClientConfigService {
  constructor(private readonly providers: OAuthProviderRegistry) {}

  credentialsFor(_clientId: string, provider: string): OAuthClientCredentials {
    const entry = this.entry(provider);
    if (!entry.credentials) {
      throw new OAuthProviderError(
        OAuthProviderErrorCode.Configuration,
        `No OAuth app credentials are configured for ${provider}: set ${entry.envPrefix}_CLIENT_ID and ${entry.envPrefix}_CLIENT_SECRET`,
      );
    }
    return entry.credentials;
  }

  /** Scopes asked for in the connect flow; the adapter joins them the way its provider wants. */
  scopesFor(provider: string): string[] {
    return this.entry(provider).scopes;
  }

  defaultAccountsServer(provider: string): string {
    return this.entry(provider).accountsServers.defaultServer;
  }

  /** The accounts server origin if it is allowed for the provider, otherwise undefined. */
  allowedAccountsServer(provider: string, candidate: string): string | undefined {
    const origin = parseAccountsOrigin(candidate);
    return origin && this.entry(provider).accountsServers.allowedOrigins.includes(origin) ? origin : undefined;
  }

  /** The variable that lists a provider's allowed accounts servers, for error messages. */
  accountsServersVariable(provider: string): string {
    return this.entry(provider).accountsServers.variable;
  }

  /** Where a stored token must be refreshed; refuses servers outside the allowlist (they would receive our secret). */
  accountsServerFor(provider: string, stored: string | null): string {
    if (!stored) return this.defaultAccountsServer(provider);
    const allowed = this.allowedAccountsServer(provider, stored);
    if (!allowed) {
      throw new OAuthProviderError(
        OAuthProviderErrorCode.Configuration,
        `The token's accounts server ${stored} is not in the allowed list (${this.accountsServersVariable(provider)})`,
      );
    }
    return allowed;
  }

  private entry(provider: string): CatalogEntry {
    const entry = this.providers.entry(provider);
    if (!entry) {
      throw new OAuthProviderError(
        OAuthProviderErrorCode.Configuration,
        `Provider "${provider.slice(0, 64)}" is not enabled; add it to OAUTH_PROVIDERS`,
      );
    }
    return entry;
  }
}
