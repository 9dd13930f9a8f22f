import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { AdminTokenGuard } from './admin-token.guard';
import { TOKEN_HEALTH_API_GUARD } from './auth.tokens';

/**
 * Lets a request through when its credential carries the scope its handler
 * requires (`@RequireScope`; none declared means `admin`). Here the only
 * credential is the admin token (`Authorization: Bearer`, checked and
 * rate-limited by AdminTokenGuard), which carries every scope. A host app's own
 * guard (`api: { guard }`) replaces the credential check; it reads the
 * handler's scope under REQUIRED_SCOPE itself.
 */
@Injectable()
export class ApiScopeGuard implements CanActivate {
  constructor(
    private readonly adminToken: AdminTokenGuard,
    @Optional() @Inject(TOKEN_HEALTH_API_GUARD) private readonly hostGuard?: CanActivate | null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.hostGuard) return (await this.hostGuard.canActivate(context)) as boolean;
    return this.adminToken.canActivate(context);
  }
}
