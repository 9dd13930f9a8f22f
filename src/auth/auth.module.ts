import { Module } from '@nestjs/common';
import { ApiCredentials } from './api-credentials';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeysService } from './api-keys.service';
import { ApiScopeGuard } from './api-scope.guard';
import { AuthFailureLimiter } from './auth-failure-limiter';

/**
 * Who may call: one failure limiter for every surface that checks a secret of ours (so they
 * share its buckets), the API keys, and the one credential check and scope guard of the APIs.
 */
@Module({
  providers: [AuthFailureLimiter, ApiKeyRepository, ApiKeysService, ApiCredentials, ApiScopeGuard],
  exports: [AuthFailureLimiter, ApiKeysService, ApiCredentials, ApiScopeGuard],
})
export class AuthModule {}
