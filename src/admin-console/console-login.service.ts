import { Injectable, Logger } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthFailureLimiter } from '../auth/auth-failure-limiter';
import { AppConfig } from '../config/app-config';

export type LoginResult = { outcome: 'ok' | 'wrong' | 'unavailable' } | { outcome: 'blocked'; retryAfterSeconds: number };

/** Checks a console login against ADMIN_API_TOKEN: constant-time, failures limited per address. */
@Injectable()
export class ConsoleLoginService {
  private readonly expectedDigest?: Buffer;

  constructor(
    config: AppConfig,
    private readonly limiter: AuthFailureLimiter,
  ) {
    if (config.adminApiToken) {
      this.expectedDigest = digest(config.adminApiToken);
    } else {
      new Logger(ConsoleLoginService.name).warn('ADMIN_API_TOKEN is not set: nobody can log in to the admin console');
    }
  }

  async attempt(address: string | undefined, token: string | undefined): Promise<LoginResult> {
    if (!this.expectedDigest) return { outcome: 'unavailable' };
    // The console and the API guard the same token, so they share its buckets.
    const retryAfterSeconds = this.limiter.retryAfterSeconds('admin-token', address);
    if (retryAfterSeconds !== undefined) return { outcome: 'blocked', retryAfterSeconds };
    // Digests of equal length keep the comparison constant-time whatever was typed.
    if (typeof token === 'string' && token.length > 0 && timingSafeEqual(digest(token), this.expectedDigest)) return { outcome: 'ok' };
    await this.limiter.failed('admin-token', address);
    return { outcome: 'wrong' };
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
