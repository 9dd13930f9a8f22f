import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ConnectLinkService } from './connect-link.service';
import { SignedTokenCodec } from './signed-token';

@Module({
  providers: [
    {
      provide: SignedTokenCodec,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new SignedTokenCodec(config.tokenEncryptionKey!, config.previousEncryptionKeys),
    },
    ConnectLinkService,
  ],
  exports: [SignedTokenCodec, ConnectLinkService],
})
export class ConnectModule {}
