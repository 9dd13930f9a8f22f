import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsModule } from '../metrics/metrics.module';
import { ClientConfigService } from './client-config.service';
import { OAuthProviderRegistry } from './oauth-provider.registry';
import { OAuthTokenRepository } from './oauth-token.repository';
import { OAuthTokenService } from './oauth-token.service';
import { HttpTokenClient } from './providers/http-token-client';
import { ZohoProvider } from './providers/zoho.provider';
import { TokenCipher } from './token-cipher';
import { TokenRegistrationService } from './token-registration.service';

@Module({
  imports: [MetricsModule],
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
    OAuthTokenService,
    TokenRegistrationService,
  ],
  exports: [TokenCipher, OAuthProviderRegistry, ClientConfigService, OAuthTokenRepository, OAuthTokenService, TokenRegistrationService],
})
export class OAuthModule {}
