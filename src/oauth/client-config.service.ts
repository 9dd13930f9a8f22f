import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { parseAccountsOrigin } from '../config/allowed-origin';
import { OAuthClientCredentials } from './oauth-credentials';
import { OAuthProviderError, OAuthProviderErrorCode } from './oauth-provider.error';

/**
 * OAuth application settings per (client, provider). Today every client shares
 * the environment's app credentials; a per-client override would be looked up here.
 */
@Injectable()
export class ClientConfigService {
  constructor(private readonly config: AppConfig) {}

  credentialsFor(_clientId: string, provider: string): OAuthClientCredentials {
    const { clientId, clientSecret } = provider === 'zoho' ? this.config.zoho : {};
    if (!clientId || !clientSecret) {
      throw new OAuthProviderError(
        OAuthProviderErrorCode.Configuration,
        `No OAuth app credentials are configured for ${provider}: set ${provider.toUpperCase()}_CLIENT_ID and ${provider.toUpperCase()}_CLIENT_SECRET`,
      );
    }
    return { clientId, clientSecret };
  }

  defaultAccountsServer(_provider: string): string {
    return this.config.zoho.accountsUrl;
  }

  /** The accounts server origin if it is allowed for the provider, otherwise undefined. */
  allowedAccountsServer(_provider: string, candidate: string): string | undefined {
    const origin = parseAccountsOrigin(candidate);
    return origin && this.config.zoho.allowedAccountsOrigins.includes(origin) ? origin : undefined;
  }

  /** Where a stored token must be refreshed; refuses servers outside the allowlist (they would receive our secret). */
  accountsServerFor(provider: string, stored: string | null): string {
    if (!stored) return this.defaultAccountsServer(provider);
    const allowed = this.allowedAccountsServer(provider, stored);
    if (!allowed) {
      throw new OAuthProviderError(
        OAuthProviderErrorCode.Configuration,
        `The token's accounts server ${stored} is not in the allowed list (ZOHO_ALLOWED_ACCOUNTS_URLS)`,
      );
    }
    return allowed;
  }
}
