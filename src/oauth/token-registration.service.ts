import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TokenHealthError } from '../common/token-health.error';
import { ClientConfigService } from './client-config.service';
import { OAuthProviderRegistry } from './oauth-provider.registry';
import { OAuthTokenReportRepository } from './oauth-token-report.repository';
import { OAuthTokenRepository } from './oauth-token.repository';
import { OAuthTokenService } from './oauth-token.service';
import { OAuthTokenLeaseRepository } from './oauth-token-lease.repository';
import { AppConfig } from '../config/app-config';
import { TokenHealthRow, TokenSetInput } from './stored-token';
import { TokenEventSource } from '../token-history/token-event-source';
import { TokenHealthEventRepository } from '../token-history/token-health-event.repository';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';

/**
 * Imports an existing token set (e.g. from another system) and checks what it points at.
 * The store and the lease for its verification commit together (a failure there stores
 * nothing); the provider is then asked with no connection held, and its answer is written
 * under that lease, as the checker does.
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
    private readonly leases: OAuthTokenLeaseRepository,
    private readonly config: AppConfig,
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
    const { id, leased, previousUnreadable } = await this.dataSource.transaction(async (manager) => {
      await this.events.tagSource(manager, TokenEventSource.Register);
      // What is stored here is not yet a fact: the history event waits for the verdict below.
      await this.events.markPending(manager);
      const stored = await this.tokens.upsertTokenSet({ ...input, accountsServer }, manager);
      // Leased before it is visible: no cycle claims the new token set before its verification is written.
      return { ...stored, leased: await this.leases.claimOne(stored.id, this.config.tokenHealth.leaseSeconds, manager) };
    });
    if (previousUnreadable) {
      this.logger.warn(`Replaced the unreadable stored token of ${input.clientId}/${input.provider} (${previousUnreadable})`);
    }
    // Without a usable access token nothing vouches for the refresh token: one refresh decides the status.
    if (leased) await this.oauthTokens.verifyLeased(leased, TokenEventSource.Register);
    await this.events.settlePending(id);
    return (await this.reports.findReport(input.clientId, input.provider))!;
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
