import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';

/** `/metrics` is open unless METRICS_TOKEN is set; then it needs `Authorization: Bearer $METRICS_TOKEN`. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expectedDigest?: Buffer;

  constructor(config: AppConfig) {
    if (config.metricsToken) this.expectedDigest = digest(config.metricsToken);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expectedDigest) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    // Comparing digests keeps the comparison constant-time whatever the lengths.
    if (!match || !timingSafeEqual(digest(match[1]), this.expectedDigest)) {
      context.switchToHttp().getResponse<{ setHeader(name: string, value: string): void }>().setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException();
    }
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
