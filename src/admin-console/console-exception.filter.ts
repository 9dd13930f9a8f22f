import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Injectable, Logger } from '@nestjs/common';
import { TokenHealthError, TokenHealthErrorCode } from '../common/token-health.error';
import { assertNever } from '../common/assert-never';
import { ConsoleError, ConsoleErrorCode } from './console.errors';
import { ConsoleRoutes } from './console-routes';
import { sendPage, setPageHeaders } from './console-headers';
import { ConsoleRequest, ConsoleResponse } from './http-types';
import { messagePage } from './pages/message.page';

/** The one place console errors become pages; unknown errors never show their text. */
@Catch()
@Injectable()
export class ConsoleExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ConsoleExceptionFilter.name);

  constructor(private readonly routes: ConsoleRoutes) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<ConsoleRequest>();
    const res = host.switchToHttp().getResponse<ConsoleResponse>();
    if (exception instanceof ConsoleError) return this.refuse(exception, req, res);
    if (exception instanceof TokenHealthError) {
      switch (exception.code) {
        case TokenHealthErrorCode.InvalidInput:
          return sendPage(res, 400, messagePage(this.routes.base, 'Not valid', exception.message));
        case TokenHealthErrorCode.NotFound:
          return sendPage(res, 404, messagePage(this.routes.base, 'Not found', 'There is no such connection.'));
        case TokenHealthErrorCode.Unauthenticated:
          return sendPage(res, 401, messagePage(this.routes.base, 'Not logged in', exception.message));
        case TokenHealthErrorCode.Forbidden:
          return sendPage(res, 403, messagePage(this.routes.base, 'Not allowed', exception.message));
        case TokenHealthErrorCode.TooManyAttempts:
          return sendPage(res, 429, messagePage(this.routes.base, 'Too many attempts', exception.message));
        default:
          return assertNever(exception.code);
      }
    }
    // A host app's console guard speaks Nest's HTTP exceptions.
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      return sendPage(res, exception.getStatus(), messagePage(this.routes.base, 'Not allowed', exception.message));
    }
    this.logger.error(`Console request failed: ${exception instanceof Error ? exception.message : String(exception)}`);
    return sendPage(res, 500, messagePage(this.routes.base, 'Something went wrong', 'The console could not complete this request. Try again later.'));
  }

  private refuse(error: ConsoleError, req: ConsoleRequest, res: ConsoleResponse): void {
    switch (error.code) {
      case ConsoleErrorCode.Unauthenticated:
        if (req.method === 'GET') {
          setPageHeaders(res);
          return res.redirect(303, this.routes.to('/login'));
        }
        return sendPage(res, 403, messagePage(this.routes.base, 'Not logged in', 'Log in to the console first.'));
      case ConsoleErrorCode.CsrfMismatch:
        return sendPage(
          res,
          403,
          messagePage(
            this.routes.base,
            'Request refused',
            'This form has expired or did not come from the console. Go back, reload the page and try again.',
          ),
        );
      default:
        return assertNever(error.code);
    }
  }
}
