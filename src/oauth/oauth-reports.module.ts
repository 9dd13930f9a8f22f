import { Module } from '@nestjs/common';
import { OAuthTokenReportRepository } from './oauth-token-report.repository';

/** The read-only views of `oauth_tokens`, on their own so /metrics can use them without the refresh machinery. */
@Module({
  providers: [OAuthTokenReportRepository],
  exports: [OAuthTokenReportRepository],
})
export class OAuthReportsModule {}
