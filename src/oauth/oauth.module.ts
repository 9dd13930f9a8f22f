import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsModule } from '../metrics/metrics.module';
import { ClientConfigService } from './client-config.service';
import { OAuthProviderRegistry } from './oauth-provider.registry';
import { OAuthTokenFleetRepository } from './oauth-token-fleet.repository';
import { OAuthTokenRepository } from './oauth-token.repository';
import { OAuthTokenService } from './oauth-token.service';
import { HttpTokenClient } from './providers/http-token-client';
import { ZohoProvider } from './providers/zoho.provider';
import { TokenCipher } from './token-cipher';
import { TokenRegistrationService } from './token-registration.service';
import { TokenHistoryModule } from '../token-history/token-history.module';

@Module({
  imports: [MetricsModule, TokenHistoryModule],
  providers: [
    {
      provide: TokenCipher,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new TokenCipher(config.tokenEncryptionKey!, config.previousEncryptionKeys),
    },
    {
      provide: OAuthProviderRegistry,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const client = new HttpTokenClient({
          timeoutMs: config.tokenHealth.providerTimeoutMs,
          maxAttempts: config.tokenHealth.providerMaxAttempts,
        });
        return new OAuthProviderRegistry([new ZohoProvider(client)]);
      },
    },
    ClientConfigService,
    OAuthTokenRepository,
    OAuthTokenFleetRepository,
    OAuthTokenService,
    TokenRegistrationService,
  ],
  exports: [TokenHistoryModule, TokenCipher, OAuthProviderRegistry, ClientConfigService, OAuthTokenRepository, OAuthTokenFleetRepository, OAuthTokenService, TokenRegistrationService],
})
export class OAuthModule {}
