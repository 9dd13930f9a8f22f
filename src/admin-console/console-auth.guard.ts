import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { ConsoleError, ConsoleErrorCode } from './console.errors';
import { ConsoleSessionService } from './console-session.service';
import { TOKEN_HEALTH_CONSOLE_GUARD } from './console.tokens';
import { ConsoleRequest, ConsoleResponse } from './http-types';

/**
 * Lets a console request through with a logged-in session, or — when the host
 * app gave its own guard — when that guard says yes. Either way the request
 * leaves with a session (the host-guard case gets an anonymous one) because
 * forms need its CSRF token.
 */
@Injectable()
export class ConsoleAuthGuard implements CanActivate {
  constructor(
    private readonly sessions: ConsoleSessionService,
    @Optional() @Inject(TOKEN_HEALTH_CONSOLE_GUARD) private readonly hostGuard?: CanActivate | null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<ConsoleRequest>();
    const res = context.switchToHttp().getResponse<ConsoleResponse>();
    if (this.hostGuard) {
      if (!(await this.hostGuard.canActivate(context))) return false;
      req.consoleSession = this.sessions.read(req) ?? this.sessions.start(req, res);
      return true;
    }
    const session = await this.sessions.readCurrent(req);
    if (!session?.authenticated) throw new ConsoleError(ConsoleErrorCode.Unauthenticated);
    this.sessions.touch(req, res, session);
    req.consoleSession = session;
    return true;
  }
}
