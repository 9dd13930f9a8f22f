import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { TOKEN_HEALTH_AUTH_GUARD } from './auth.tokens';

/**
 * The guard on the API. It delegates to whichever CanActivate is registered
 * under TOKEN_HEALTH_AUTH_GUARD: the bearer-token guard by default, or a host
 * app's own (e.g. JWT) through `TokenHealthModule.forRoot({ guard })`.
 */
@Injectable()
export class TokenHealthGuard implements CanActivate {
  constructor(@Inject(TOKEN_HEALTH_AUTH_GUARD) private readonly delegate: CanActivate) {}

  canActivate(context: ExecutionContext) {
    return this.delegate.canActivate(context);
  }
}
