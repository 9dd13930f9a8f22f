import { Injectable, Logger } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { assertNever } from '../common/assert-never';
import { TokenHealthError, TokenHealthErrorCode } from '../common/token-health.error';
import { AppConfig } from '../config/app-config';
import { parseApiKey } from './api-key-secret';
import { ApiKeysService } from './api-keys.service';
import { ApiPrincipal } from './api-principal';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { AddressedRequest, clientAddressOf } from './client-address';

/** The part of an HTTP request the credential check reads. */
export interface BearerRequest extends AddressedRequest {
  headers?: { authorization?: unknown };
}

/**
 * The one check of an API caller's bearer, for GraphQL and REST alike: the admin
 * token (compared in constant time) or an API key (looked up by its id, its row
 * read on every request so a revoke holds at once on every replica). Failures go
 * through the AuthFailureLimiter; logs name a key by its id only.
 */
@Injectable()
export class ApiCredentials {
  private readonly logger = new Logger(ApiCredentials.name);
  private readonly adminDigest?: Buffer;
  /** One check per HTTP request, however many guards (middleware, each resolver) ask. */
  private readonly checked = new WeakMap<object, Promise<ApiPrincipal>>();
  private warnedNoAdminToken = false;

  constructor(
    config: AppConfig,
    private readonly apiKeys: ApiKeysService,
    private readonly limiter: AuthFailureLimiter,
  ) {
    if (config.adminApiToken) this.adminDigest = digest(config.adminApiToken);
  }

  /** Throws TokenHealthError Unauthenticated or TooManyAttempts. */
  authenticate(request: BearerRequest | undefined): Promise<ApiPrincipal> {
    if (!request || typeof request !== 'object') return this.check(request);
    let principal = this.checked.get(request);
    if (!principal) this.checked.set(request, (principal = this.check(request)));
    return principal;
  }

  private async check(request: BearerRequest | undefined): Promise<ApiPrincipal> {
    if (!this.adminDigest && !this.warnedNoAdminToken) {
      // A host app without one whose API has no guard of its own: said once, when the API is first called.
      this.warnedNoAdminToken = true;
      this.logger.warn('ADMIN_API_TOKEN is not set: the API accepts API keys only');
    }
    const address = clientAddressOf(request);
    // Refused before comparing: a blocked address learns nothing about its guesses.
    this.limiter.assertMayTry('admin-token', address);
    const header: unknown = request?.headers?.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    if (!match) throw unauthenticated();
    const bearer = match[1];
    // Digests of equal length keep the comparison constant-time whatever the lengths.
    if (this.adminDigest && timingSafeEqual(digest(bearer), this.adminDigest)) return { kind: 'admin-token' };
    const principal = await this.apiKey(bearer);
    if (principal) return principal;
    // Only a presented credential is a guess; a request without one is not counted.
    await this.limiter.failed('admin-token', address);
    throw unauthenticated();
  }

  private async apiKey(bearer: string): Promise<ApiPrincipal | undefined> {
    const parts = parseApiKey(bearer);
    if (!parts) return undefined;
    const verdict = await this.apiKeys.verify(parts);
    switch (verdict.outcome) {
      case 'ok':
        return { kind: 'api-key', id: verdict.apiKey.id, scopes: verdict.apiKey.scopes };
      case 'unknown':
        this.logger.warn(`API key ${parts.id} refused: no such key (never created or revoked)`);
        return undefined;
      case 'expired':
        this.logger.warn(`API key ${parts.id} refused: expired`);
        return undefined;
      case 'wrong-secret':
        this.logger.warn(`API key ${parts.id} refused: wrong secret`);
        return undefined;
      default:
        return assertNever(verdict);
    }
  }
}

export function unauthenticated(): TokenHealthError {
  return new TokenHealthError(TokenHealthErrorCode.Unauthenticated, 'A valid bearer token (the admin token or an API key) is required');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
