import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TokenHealthError } from '../common/token-health.error';
import { ClientConfigService } from './client-config.service';
import { OAuthProviderRegistry } from './oauth-provider.registry';
import { OAuthTokenReportRepository } from './oauth-token-report.repository';
import { OAuthTokenRepository } from './oauth-token.repository';
import { OAuthTokenService } from './oauth-token.service';
import { TokenHealthRow, TokenSetInput } from './stored-token';
import { TokenEventSource } from '../token-history/token-event-source';
import { TokenHealthEventRepository } from '../token-history/token-health-event.repository';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';

/**
 * Imports an existing token set (e.g. from another system) after checking what it
 * points at. Store, verification and answer are one transaction: a failure stores nothing.
 */
@Injectable()
export class TokenRegistrationService {
  private readonly logger = new Logger(TokenRegistrationService.name);

  constructor(
    @InjectTokenHealthDataSource() private readonly dataSource: DataSource,
    private readonly tokens: OAuthTokenRepository,
    private readonly reports: OAuthTokenReportRepository,
    private readonly oauthTokens: OAuthTokenService,
    private readonly providers: OAuthProviderRegistry,
    private readonly clientConfig: ClientConfigService,
    private readonly events: TokenHealthEventRepository,
  ) {}

  async register(input: TokenSetInput): Promise<TokenHealthRow> {
    this.assertKnownProvider(input.provider);
    let accountsServer: string | null = null;
    if (input.accountsServer) {
      accountsServer = this.clientConfig.allowedAccountsServer(input.provider, input.accountsServer) ?? null;
      if (!accountsServer) {
        const variable = this.clientConfig.accountsServersVariable(input.provider);
        throw TokenHealthError.invalidInput('accountsServer', `accountsServer is not one of the allowed accounts servers (${variable})`);
      }
    }
    return this.dataSource.transaction(async (manager) => {
      await this.events.tagSource(manager, TokenEventSource.Register);
      const { id, previousUnreadable } = await this.tokens.upsertTokenSet({ ...input, accountsServer }, manager);
      if (previousUnreadable) {
        this.logger.warn(`Replaced the unreadable stored token of ${input.clientId}/${input.provider} (${previousUnreadable})`);
      }
      // Without a usable access token nothing vouches for the refresh token: one refresh decides the status.
      await this.oauthTokens.verifyStoredInTransaction(manager, id);
      return (await this.reports.findReport(input.clientId, input.provider, manager))!;
    });
  }

  assertKnownProvider(provider: string): void {
    if (!this.providers.has(provider)) {
      throw TokenHealthError.invalidInput(
        'provider',
        `Unknown provider "${provider.slice(0, 64)}"; enabled providers: ${this.providers.names().join(', ')} (OAUTH_PROVIDERS)`,
      );
    }
  }
}
