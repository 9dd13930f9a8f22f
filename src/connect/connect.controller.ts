import { Controller, Get, Logger, Param, Query, Res } from '@nestjs/common';
import { ConnectFlowError, ConnectFlowErrorCode } from './connect-flow.error';
import { CallbackQuery, ConnectFlowService } from './connect-flow.service';
import { CONNECT_PAGE_CSP, renderConnectPage } from './connect-page';
import { assertNever } from '../common/assert-never';

/** The slice of the platform's response object this controller uses. */
interface HttpResponse {
  status(code: number): this;
  setHeader(name: string, value: string): this;
  send(body: string): this;
  redirect(status: number, url: string): void;
}

interface Page {
  status: number;
  title: string;
  message: string;
}

// These URLs carry one-time secrets (link, code, state): never cache them, never leak them in a Referer.
const REDIRECT_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  // Nobody may frame a step of the flow (clickjacking a consent or a re-bind).
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': CONNECT_PAGE_CSP,
};
const PAGE_HEADERS: Record<string, string> = {
  ...REDIRECT_HEADERS,
  'Content-Type': 'text/html; charset=utf-8',
  'X-Content-Type-Options': 'nosniff',
};

/** HTTP face of the connect flow; the flow itself lives in ConnectFlowService. */
@Controller('oauth/:provider')
export class ConnectController {
  private readonly logger = new Logger(ConnectController.name);

  constructor(private readonly flow: ConnectFlowService) {}

  @Get('connect')
  async connect(@Param('provider') provider: string, @Query() query: Record<string, unknown>, @Res() res: HttpResponse): Promise<void> {
    try {
      const authorizeUrl = await this.flow.startConnect(provider, single(query.link));
      for (const [name, value] of Object.entries(REDIRECT_HEADERS)) res.setHeader(name, value);
      res.redirect(302, authorizeUrl);
    } catch (error) {
      this.send(res, this.errorPage(error));
    }
  }

  @Get('callback')
  async callback(@Param('provider') provider: string, @Query() query: Record<string, unknown>, @Res() res: HttpResponse): Promise<void> {
    const callback: CallbackQuery = {
      code: single(query.code),
      state: single(query.state),
      accountsServer: single(query['accounts-server']),
      error: single(query.error),
    };
    try {
      const { clientId } = await this.flow.completeConnect(provider, callback);
      this.send(res, {
        status: 200,
        title: 'Connected',
        message: `The ${provider} connection of ${clientId} is authorized and healthy again. You can close this window.`,
      });
    } catch (error) {
      this.send(res, this.errorPage(error));
    }
  }

  private errorPage(error: unknown): Page {
    if (!(error instanceof ConnectFlowError)) {
      this.logger.error(`Connect flow failed unexpectedly: ${(error as Error)?.message ?? String(error)}`);
      return { status: 500, title: 'Something went wrong', message: 'The connection could not be completed. Please try again later.' };
    }
    switch (error.code) {
      case ConnectFlowErrorCode.InvalidLink:
        return { status: 400, title: 'Link not valid', message: error.message };
      case ConnectFlowErrorCode.InvalidState:
        return { status: 400, title: 'Sign-in not valid', message: error.message };
      case ConnectFlowErrorCode.AccessDenied:
        return { status: 400, title: 'Access not granted', message: error.message };
      case ConnectFlowErrorCode.AuthorizationFailed:
        return { status: 400, title: 'Sign-in not completed', message: error.message };
      case ConnectFlowErrorCode.DisallowedAccountsServer:
        return { status: 400, title: 'Untrusted accounts server', message: error.message };
      case ConnectFlowErrorCode.ExchangeFailed:
        return { status: 502, title: 'Provider did not complete the sign-in', message: error.message };
      case ConnectFlowErrorCode.NotConfigured:
        return { status: 503, title: 'Not configured', message: error.message };
      case ConnectFlowErrorCode.TooManyAttempts:
        return { status: 429, title: 'Too many attempts', message: error.message };
      default:
        return assertNever(error.code);
    }
  }

  private send(res: HttpResponse, page: Page): void {
    for (const [name, value] of Object.entries(PAGE_HEADERS)) res.setHeader(name, value);
    res.status(page.status).send(renderConnectPage(page.title, page.message));
  }
}

// Repeated parameters arrive as arrays; anything but one plain string counts as absent.
function single(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
