import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TokenHealthError } from '../common/token-health.error';
import { ClientConfigService } from './client-config.service';
import { OAuthProviderRegistry } from './oauth-provider.registry';
import { OAuthTokenReportRepository } from './oauth-token-report.repository';
import { OAuthTokenRepository } from './oauth-token.repository';
import { TokenHealthRow, TokenSetInput } from './stored-token';
import { TokenEventSource } from '../token-history/token-event-source';
import { TokenHealthEventRepository } from '../token-history/token-health-event.repository';

/** Imports an existing token set (e.g. from another system) after checking what it points at. */
@Injectable()
export class TokenRegistrationService {
  constructor(
    private readonly tokens: OAuthTokenRepository,
    private readonly reports: OAuthTokenReportRepository,
    private readonly providers: OAuthProviderRegistry,
    private readonly clientConfig: ClientConfigService,
    private readonly events: TokenHealthEventRepository,
    private readonly dataSource: DataSource,
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
    await this.dataSource.transaction(async (manager) => {
      await this.events.tagSource(manager, TokenEventSource.Register);
      await this.tokens.upsertTokenSet({ ...input, accountsServer }, manager);
    });
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
