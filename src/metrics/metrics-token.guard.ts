import { CanActivate, ExecutionContext, HttpException, HttpStatus, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthFailureLimiter } from '../auth/auth-failure-limiter';
import { AddressedRequest, clientAddressOf } from '../auth/client-address';
import { AppConfig } from '../config/app-config';

interface HeaderWriter {
  setHeader(name: string, value: string): void;
}

/**
 * `/metrics` is open unless METRICS_TOKEN is set; then it needs `Authorization: Bearer $METRICS_TOKEN`,
 * and wrong tokens are limited per address like every other secret's.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expectedDigest?: Buffer;

  constructor(
    config: AppConfig,
    private readonly limiter: AuthFailureLimiter,
  ) {
    if (config.metricsToken) this.expectedDigest = digest(config.metricsToken);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.expectedDigest) return true;
    const request = context.switchToHttp().getRequest<AddressedRequest & { headers: Record<string, unknown> }>();
    const response = context.switchToHttp().getResponse<HeaderWriter>();
    const address = clientAddressOf(request);
    const retryAfter = this.limiter.retryAfterSeconds('metrics-token', address);
    if (retryAfter !== undefined) {
      response.setHeader('Retry-After', String(retryAfter));
      throw new HttpException('Too many failed attempts', HttpStatus.TOO_MANY_REQUESTS);
    }
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    // Comparing digests keeps the comparison constant-time whatever the lengths.
    if (!match || !timingSafeEqual(digest(match[1]), this.expectedDigest)) {
      if (match) await this.limiter.failed('metrics-token', address);
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException();
    }
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
