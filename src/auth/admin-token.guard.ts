import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { createHash, timingSafeEqual } from 'node:crypto';
import { TokenHealthError, TokenHealthErrorCode } from '../common/token-health.error';
import { AppConfig } from '../config/app-config';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { AddressedRequest, clientAddressOf } from './client-address';

/**
 * Default API guard: `Authorization: Bearer $ADMIN_API_TOKEN`, compared in
 * constant time, with failures limited per address (AuthFailureLimiter). The
 * standalone service always has a token by now (main.ts generates one into
 * the data directory); a host app that configures none and brings no guard
 * of its own gets an API that refuses everyone.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expectedDigest?: Buffer;

  constructor(
    config: AppConfig,
    private readonly limiter: AuthFailureLimiter,
  ) {
    if (config.adminApiToken) {
      this.expectedDigest = digest(config.adminApiToken);
    } else {
      new Logger(AdminTokenGuard.name).warn('ADMIN_API_TOKEN is not set and no guard was given: the GraphQL API refuses every request');
    }
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request =
      context.getType<string>() === 'graphql'
        ? GqlExecutionContext.create(context).getContext<{ req?: BearerRequest }>().req
        : context.switchToHttp().getRequest<BearerRequest | undefined>();
    const address = clientAddressOf(request);
    // Refused before comparing: a blocked address learns nothing about its guesses.
    this.limiter.assertMayTry('admin-token', address);
    const header: unknown = request?.headers?.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    if (!match) throw unauthenticated();
    // Comparing digests keeps the comparison constant-time whatever the lengths.
    if (!this.expectedDigest || !timingSafeEqual(digest(match[1]), this.expectedDigest)) {
      // Only a presented token is a guess; a request without one is not counted.
      await this.limiter.failed('admin-token', address);
      throw unauthenticated();
    }
    return true;
  }
}

/** The part of an HTTP request the guard reads. */
interface BearerRequest extends AddressedRequest {
  headers?: { authorization?: unknown };
}

function unauthenticated(): TokenHealthError {
  return new TokenHealthError(TokenHealthErrorCode.Unauthenticated, 'A valid admin bearer token is required');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
