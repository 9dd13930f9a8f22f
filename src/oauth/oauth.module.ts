import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsModule } from '../metrics/metrics.module';
import { ClientConfigService } from './client-config.service';
import { OAuthProviderRegistry } from './oauth-provider.registry';
import { OAuthTokenFleetRepository } from './oauth-token-fleet.repository';
import { OAuthReportsModule } from './oauth-reports.module';
import { OAuthTokenLeaseRepository } from './oauth-token-lease.repository';
import { OAuthTokenSweepRepository } from './oauth-token-sweep.repository';
import { OAuthTokenRepository } from './oauth-token.repository';
import { OAuthTokenService } from './oauth-token.service';
import { RefreshTallyRepository } from './refresh-tally.repository';
import { TokenAlertStateRepository } from './token-alert-state.repository';
import { HttpTokenClient } from './providers/http-token-client';
import { createProviderAdapter } from './providers/provider-adapter.factory';
import { loadProviderCatalog } from './providers/provider-catalog';
import { TokenCipher } from './token-cipher';
import { TokenRefresher } from './token-refresher';
import { TokenReadabilityRepository } from './token-readability.repository';
import { TokenReencryptionRepository } from './token-reencryption.repository';
import { TokenReencryptionSweeper } from './token-reencryption.sweeper';
import { StoredKeyCheck } from './stored-key-check';
import { TokenRegistrationService } from './token-registration.service';
import { TokenHistoryModule } from '../token-history/token-history.module';
import { RefreshBudgetRepository } from './pacing/refresh-budget.repository';
import { RefreshPacingService } from './pacing/refresh-pacing.service';

@Module({
  imports: [MetricsModule, TokenHistoryModule, OAuthReportsModule],
  providers: [
    {
      provide: TokenCipher,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new TokenCipher(config.tokenEncryptionKey!, config.previousEncryptionKeys),
    },
    {
      provide: HttpTokenClient,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new HttpTokenClient({
          timeoutMs: config.tokenHealth.providerTimeoutMs,
          maxAttempts: config.tokenHealth.providerMaxAttempts,
          // One kept-alive connection per refresh in flight, plus a few for hand-outs and the connect flow.
          connections: config.tokenHealth.concurrency + 10,
        }),
    },
    {
      provide: OAuthProviderRegistry,
      inject: [AppConfig, HttpTokenClient],
      // Async: a custom provider's discovery document is fetched (once, cached) before the first use.
      useFactory: async (config: AppConfig, client: HttpTokenClient) => {
        const catalog = await loadProviderCatalog(config);
        return new OAuthProviderRegistry(catalog.map((entry) => ({ adapter: createProviderAdapter(entry, client), entry })));
      },
    },
    ClientConfigService,
    RefreshBudgetRepository,
    RefreshPacingService,
    OAuthTokenRepository,
    OAuthTokenFleetRepository,
    OAuthTokenLeaseRepository,
    OAuthTokenSweepRepository,
    TokenRefresher,
    OAuthTokenService,
    RefreshTallyRepository,
    TokenAlertStateRepository,
    TokenRegistrationService,
    TokenReadabilityRepository,
    StoredKeyCheck,
    TokenReencryptionRepository,
    TokenReencryptionSweeper,
  ],
  exports: [
    TokenHistoryModule,
    TokenCipher,
    OAuthProviderRegistry,
    ClientConfigService,
    RefreshPacingService,
    OAuthReportsModule,
    OAuthTokenRepository,
    OAuthTokenFleetRepository,
    OAuthTokenLeaseRepository,
    OAuthTokenSweepRepository,
    TokenRefresher,
    OAuthTokenService,
    RefreshTallyRepository,
    TokenAlertStateRepository,
    TokenRegistrationService,
    TokenReadabilityRepository,
    TokenReencryptionSweeper,
  ],
})
export class OAuthModule {}
