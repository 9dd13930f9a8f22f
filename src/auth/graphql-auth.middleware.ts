import { CanActivate, ForbiddenException, HttpException, Inject, Injectable, Logger, NestMiddleware, UnauthorizedException } from '@nestjs/common';
import { lastValueFrom, isObservable } from 'rxjs';
import { TokenHealthError, TokenHealthErrorCode } from '../common/token-health.error';
import { TOKEN_HEALTH_AUTH_GUARD } from './auth.tokens';
import { PreParseExecutionContext } from './pre-parse-execution.context';

interface HttpRequest {
  method?: string;
}
interface HttpResponse {
  status(code: number): HttpResponse;
  setHeader(name: string, value: string): unknown;
  json(body: unknown): unknown;
}

/**
 * Runs the API guard on the raw HTTP request before GraphQL sees it: a caller
 * without valid credentials gets a small 401 and the document is never parsed,
 * validated or executed. It asks the same guard the resolvers use (the default
 * bearer guard or a host's own), through an execution context of type
 * 'graphql' whose GraphQL context holds `{ req, res }` and which names no
 * resolver — no resolver is known before parsing.
 */
@Injectable()
export class GraphqlAuthMiddleware implements NestMiddleware {
  private readonly logger = new Logger(GraphqlAuthMiddleware.name);

  constructor(@Inject(TOKEN_HEALTH_AUTH_GUARD) private readonly guard: CanActivate) {}

  async use(req: HttpRequest, res: HttpResponse, next: (error?: unknown) => void): Promise<void> {
    let allowed: boolean;
    try {
      const verdict = this.guard.canActivate(new PreParseExecutionContext(req, res, next));
      allowed = isObservable(verdict) ? await lastValueFrom(verdict) : await verdict;
    } catch (error) {
      this.refuse(res, error);
      return;
    }
    if (allowed) next();
    else this.refuse(res, new UnauthorizedException());
  }

  private refuse(res: HttpResponse, error: unknown): void {
    if (error instanceof TokenHealthError && error.code === TokenHealthErrorCode.TooManyAttempts) {
      res.setHeader('Retry-After', String(error.retryAfterSeconds ?? 60));
      res.status(429).json({ errors: [{ message: error.message, extensions: { code: 'TOO_MANY_REQUESTS' } }] });
      return;
    }
    if (error instanceof ForbiddenException || (error instanceof TokenHealthError && error.code === TokenHealthErrorCode.Forbidden)) {
      res.status(403).json({ errors: [{ message: 'Forbidden', extensions: { code: 'FORBIDDEN' } }] });
      return;
    }
    const unauthenticated =
      error instanceof UnauthorizedException || (error instanceof TokenHealthError && error.code === TokenHealthErrorCode.Unauthenticated);
    if (!unauthenticated && !(error instanceof HttpException && error.getStatus() < 500)) {
      // A guard that crashes must not open the API; its message stays in the log.
      this.logger.error(`API guard failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(401).json({ errors: [{ message: 'Authentication required', extensions: { code: 'UNAUTHENTICATED' } }] });
  }
}
