import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TokenHealthError, TokenHealthErrorCode } from '../common/token-health.error';
import { AppConfig } from '../config/app-config';

/**
 * Default API guard: `Authorization: Bearer $ADMIN_API_TOKEN`, compared in
 * constant time. Without a configured token one is generated and printed
 * once, so the default run is usable but never open.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expectedDigest: Buffer;

  constructor(config: AppConfig) {
    let token = config.adminApiToken;
    if (!token) {
      token = randomBytes(24).toString('base64url');
      new Logger(AdminTokenGuard.name).warn(`ADMIN_API_TOKEN is not set; generated one for this run: ${token}`);
    }
    this.expectedDigest = digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.getType<string>() === 'graphql'
      ? GqlExecutionContext.create(context).getContext().req
      : context.switchToHttp().getRequest();
    const header: unknown = request?.headers?.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    // Comparing digests keeps the comparison constant-time whatever the lengths.
    if (!match || !timingSafeEqual(digest(match[1]), this.expectedDigest)) {
      throw new TokenHealthError(TokenHealthErrorCode.Unauthenticated, 'A valid admin bearer token is required');
    }
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
