import { Injectable, Logger } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { LoginRateLimiter } from './login-rate-limiter';

export type LoginResult = 'ok' | 'wrong' | 'blocked' | 'unavailable';

/** Checks a console login against ADMIN_API_TOKEN: constant-time, rate-limited per address. */
@Injectable()
export class ConsoleLoginService {
  private readonly expectedDigest?: Buffer;

  constructor(
    config: AppConfig,
    private readonly limiter: LoginRateLimiter,
  ) {
    if (config.adminApiToken) {
      this.expectedDigest = digest(config.adminApiToken);
    } else {
      new Logger(ConsoleLoginService.name).warn('ADMIN_API_TOKEN is not set: nobody can log in to the admin console');
    }
  }

  attempt(address: string, token: string | undefined): LoginResult {
    if (!this.expectedDigest) return 'unavailable';
    if (this.limiter.isBlocked(address)) return 'blocked';
    // Digests of equal length keep the comparison constant-time whatever was typed.
    if (typeof token === 'string' && token.length > 0 && timingSafeEqual(digest(token), this.expectedDigest)) {
      this.limiter.recordSuccess(address);
      return 'ok';
    }
    this.limiter.recordFailure(address);
    return 'wrong';
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
