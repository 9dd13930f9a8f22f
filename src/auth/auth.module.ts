import { Module } from '@nestjs/common';
import { AuthFailureLimiter } from './auth-failure-limiter';

/** One failure limiter for every surface that checks a secret of ours, so they share its buckets. */
@Module({
  providers: [AuthFailureLimiter],
  exports: [AuthFailureLimiter],
})
export class AuthModule {}
