import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TokenHealthError, TokenHealthErrorCode } from '../common/token-health.error';
import { AdminTokenGuard } from './admin-token.guard';
import { ApiScope, REQUIRED_SCOPE } from './api-scope';
import { TOKEN_HEALTH_API_GUARD } from './auth.tokens';

/**
 * Lets a request through when its credential carries the scope its route
 * requires (`@RequireScope`). The admin token (`Authorization: Bearer`, checked
 * and rate-limited by AdminTokenGuard) carries every scope. A host app's own
 * guard (`api: { guard }`) replaces the credential check; it can read the
 * route's scope under REQUIRED_SCOPE. A route that names no scope is refused.
 */
@Injectable()
export class ApiScopeGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly adminToken: AdminTokenGuard,
    @Optional() @Inject(TOKEN_HEALTH_API_GUARD) private readonly hostGuard?: CanActivate | null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope = this.reflector.getAllAndOverride<ApiScope | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]);
    if (!scope) throw new TokenHealthError(TokenHealthErrorCode.Forbidden, 'This route requires a scope nobody holds');
    if (this.hostGuard) return (await this.hostGuard.canActivate(context)) as boolean;
    return this.adminToken.canActivate(context);
  }
}
