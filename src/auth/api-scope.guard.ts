import { CanActivate, ExecutionContext, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { TokenHealthError, TokenHealthErrorCode } from '../common/token-health.error';
import { ApiCredentials, BearerRequest } from './api-credentials';
import { principalHasScope } from './api-principal';
import { TOKEN_HEALTH_API_GUARD } from './auth.tokens';
import { ApiScope, REQUIRED_SCOPE } from './api-scope';
import { PreParseExecutionContext } from './pre-parse-execution.context';

/**
 * The API guard of GraphQL resolvers and REST controllers: `Authorization: Bearer
 * <admin token or API key>` (ApiCredentials), then the scope the handler declares
 * with `@RequireScope`. Missing or wrong credential → Unauthenticated (401),
 * throttled → TooManyAttempts (429), a valid key without the scope → Forbidden (403).
 * A handler that declares no scope is for `admin` only. Before GraphQL parses a
 * request no handler is known yet, so there it only authenticates. A host app's own
 * REST guard (`api: { guard }`) replaces all of this on HTTP controllers; it reads the
 * handler's scope under REQUIRED_SCOPE itself.
 */
@Injectable()
export class ApiScopeGuard implements CanActivate {
  private readonly logger = new Logger(ApiScopeGuard.name);

  constructor(
    private readonly credentials: ApiCredentials,
    private readonly reflector: Reflector,
    @Optional() @Inject(TOKEN_HEALTH_API_GUARD) private readonly hostGuard?: CanActivate | null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.hostGuard && context.getType<string>() === 'http' && !(context instanceof PreParseExecutionContext)) {
      return (await this.hostGuard.canActivate(context)) as boolean;
    }
    const principal = await this.credentials.authenticate(requestOf(context));
    if (context instanceof PreParseExecutionContext) return true;
    const scope = this.reflector.getAllAndOverride<ApiScope | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]) ?? 'admin';
    if (principal.kind === 'admin-token' || principalHasScope(principal, scope)) return true;
    this.logger.warn(`API key ${principal.id} refused: lacks scope ${scope} for ${context.getClass().name}.${context.getHandler().name}`);
    throw new TokenHealthError(TokenHealthErrorCode.Forbidden, `This API key lacks the scope "${scope}"`);
  }
}

function requestOf(context: ExecutionContext): BearerRequest | undefined {
  return context.getType<string>() === 'graphql'
    ? GqlExecutionContext.create(context).getContext<{ req?: BearerRequest }>().req
    : context.switchToHttp().getRequest<BearerRequest | undefined>();
}
