import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ConsoleError, ConsoleErrorCode } from './console.errors';
import { ConsoleSessionService } from './console-session.service';
import { ConsoleRequest, field } from './http-types';

/** Every console POST must carry its session's CSRF token in the `_csrf` form field. Runs after the auth guard. */
@Injectable()
export class ConsoleCsrfGuard implements CanActivate {
  constructor(private readonly sessions: ConsoleSessionService) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<ConsoleRequest>();
    const session = req.consoleSession ?? this.sessions.read(req);
    if (!session || !this.sessions.csrfMatches(session, field(req.body, '_csrf'))) throw new ConsoleError(ConsoleErrorCode.CsrfMismatch);
    req.consoleSession = session;
    return true;
  }
}
