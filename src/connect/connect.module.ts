import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { OAuthModule } from '../oauth/oauth.module';
import { ConnectFlowService } from './connect-flow.service';
import { ConnectCompletionRepository } from './connect-completion.repository';
import { ConnectStatePruner } from './connect-state.pruner';
import { ConnectLinkService } from './connect-link.service';
import { ConnectController } from './connect.controller';
import { OAuthStateStore } from './oauth-state.store';
import { SignedTokenCodec } from './signed-token';

/**
 * Signed connect links and the connect flow (link → consent → callback → stored
 * token set). It writes the token set and nothing else: an open alert is resolved
 * by the next cycle's alert scan, which reads the stored state, so this module
 * needs nothing from token-health.
 */
@Module({
  imports: [OAuthModule],
  controllers: [ConnectController],
  providers: [
    {
      provide: SignedTokenCodec,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new SignedTokenCodec(config.tokenEncryptionKey!, config.previousEncryptionKeys),
    },
    ConnectLinkService,
    OAuthStateStore,
    ConnectCompletionRepository,
    ConnectStatePruner,
    ConnectFlowService,
  ],
  exports: [SignedTokenCodec, ConnectLinkService],
})
export class ConnectModule {}
