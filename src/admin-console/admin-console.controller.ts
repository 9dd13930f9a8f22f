import { Controller, Get, Inject, Optional, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { clientAddressOf } from '../auth/client-address';
import { ConnectLinkService } from '../connect/connect-link.service';
import { TokenHealthError } from '../common/token-health.error';
import { OAuthTokenFleetRepository } from '../oauth/oauth-token-fleet.repository';
import { TokenRegistrationService } from '../oauth/token-registration.service';
import { TokenStatus } from '../oauth/token-status';
import { requireId } from '../token-health/dto/input-rules';
import { FleetService } from '../token-health/fleet.service';
import { NextScheduledCheck } from '../token-health/next-scheduled-check';
import { TokenHealthService } from '../token-health/token-health.service';
import { ConsoleAuthGuard } from './console-auth.guard';
import { ConsoleCsrfGuard } from './console-csrf.guard';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { sendPage } from './console-headers';
import { ConsoleLoginService } from './console-login.service';
import { ConsoleRoutes } from './console-routes';
import { ConsoleSession, ConsoleSessionService } from './console-session.service';
import { CONSOLE_STYLESHEET } from './console-stylesheet';
import { TOKEN_HEALTH_CONSOLE_GUARD } from './console.tokens';
import { ConsoleRequest, ConsoleResponse, field } from './http-types';
import { connectionPage } from './pages/connection.page';
import { connectionHref, fleetPage } from './pages/fleet.page';
import { loginPage } from './pages/login.page';

const PAGE_SIZE = 50;
const HISTORY_SIZE = 100;

/** The admin console's HTTP face: sessions and pages. Data and actions come from the same services as GraphQL. */
// Mounted under the configured path by consoleControllersAt (default `admin`).
@Controller('admin')
@UseFilters(ConsoleExceptionFilter)
export class AdminConsoleController {
  constructor(
    private readonly sessions: ConsoleSessionService,
    private readonly login: ConsoleLoginService,
    private readonly fleet: FleetService,
    private readonly fleetRows: OAuthTokenFleetRepository,
    private readonly health: TokenHealthService,
    private readonly links: ConnectLinkService,
    private readonly registration: TokenRegistrationService,
    private readonly routes: ConsoleRoutes,
    private readonly nextCheck: NextScheduledCheck,
    @Optional() @Inject(TOKEN_HEALTH_CONSOLE_GUARD) private readonly hostGuard?: unknown,
  ) {}

  @Get('assets/console.css')
  stylesheet(@Res() res: ConsoleResponse): void {
    res.setHeader('Content-Type', 'text/css; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.status(200).send(CONSOLE_STYLESHEET);
  }

  @Get('login')
  async loginForm(@Req() req: ConsoleRequest, @Res() res: ConsoleResponse): Promise<void> {
    const session = await this.sessions.readCurrent(req);
    if (this.hostGuard || session?.authenticated) return res.redirect(303, this.routes.base);
    sendPage(res, 200, loginPage({ base: this.routes.base, csrf: this.sessions.csrfToken(session ?? this.sessions.start(req, res)) }));
  }

  @Post('login')
  @UseGuards(ConsoleCsrfGuard)
  async logIn(@Req() req: ConsoleRequest, @Res() res: ConsoleResponse): Promise<void> {
    if (this.hostGuard) return res.redirect(303, this.routes.base);
    const result = await this.login.attempt(clientAddressOf(req), field(req.body, 'token'));
    if (result.outcome === 'ok') {
      await this.sessions.logIn(req, res);
      return res.redirect(303, this.routes.base);
    }
    const csrf = this.sessions.csrfToken(req.consoleSession!);
    if (result.outcome === 'blocked') {
      res.setHeader('Retry-After', String(result.retryAfterSeconds));
      return sendPage(
        res,
        429,
        loginPage({ base: this.routes.base, csrf, error: TokenHealthError.tooManyAttempts(result.retryAfterSeconds).message }),
      );
    }
    const [status, error]: [number, string] = {
      wrong: [401, 'That admin token is not valid.'] as [number, string],
      unavailable: [503, 'The console is not available: ADMIN_API_TOKEN is not configured.'] as [number, string],
    }[result.outcome];
    sendPage(res, status, loginPage({ base: this.routes.base, csrf, error }));
  }

  @Post('logout')
  @UseGuards(ConsoleAuthGuard, ConsoleCsrfGuard)
  async logOut(@Req() req: ConsoleRequest, @Res() res: ConsoleResponse): Promise<void> {
    await this.sessions.logOut(req, res);
    res.redirect(303, this.routes.to('/login'));
  }

  @Get()
  @UseGuards(ConsoleAuthGuard)
  async fleetView(@Req() req: ConsoleRequest, @Res() res: ConsoleResponse): Promise<void> {
    const status = statusFrom(field(req.query, 'status'));
    const search = field(req.query, 'search')?.trim() || undefined;
    const [page, summary, searchMode] = await Promise.all([
      this.fleet.page({ statuses: status ? [status] : undefined, search }, PAGE_SIZE, {
        after: field(req.query, 'after') || undefined,
        before: field(req.query, 'before') || undefined,
      }),
      this.fleet.summary(),
      this.fleetRows.getSearchMode(),
    ]);
    sendPage(
      res,
      200,
      fleetPage({
        base: this.routes.base,
        logoutCsrf: this.logoutCsrf(req.consoleSession!),
        summary,
        page,
        status,
        search,
        searchHint: searchMode === 'substring' ? 'part of a client id' : 'start of a client id',
        now: new Date(),
      }),
    );
  }

  @Get('connection')
  @UseGuards(ConsoleAuthGuard)
  async connectionView(@Req() req: ConsoleRequest, @Res() res: ConsoleResponse): Promise<void> {
    const { clientId, provider } = target(req.query);
    const notice = field(req.query, 'checked') === '1' ? 'Checked just now.' : undefined;
    sendPage(res, 200, await this.renderConnection(req.consoleSession!, clientId, provider, { notice }));
  }

  @Post('connection/check')
  @UseGuards(ConsoleAuthGuard, ConsoleCsrfGuard)
  async checkNow(@Req() req: ConsoleRequest, @Res() res: ConsoleResponse): Promise<void> {
    const { clientId, provider } = target(req.body);
    await this.fleet.report(clientId, provider);
    const reports = await this.health.checkAndAlert({ clientId });
    this.fleet.refreshCounts();
    const notSent = reports.find((report) => report.provider === provider)?.checkSkippedReason;
    // Said on the page it answers, not carried in a link: only this check knows it.
    if (notSent) sendPage(res, 200, await this.renderConnection(req.consoleSession!, clientId, provider, { notice: `${notSent}.` }));
    else res.redirect(303, `${connectionHref(this.routes.base, clientId, provider)}&checked=1`);
  }

  @Post('connection/connect-link')
  @UseGuards(ConsoleAuthGuard, ConsoleCsrfGuard)
  async connectLink(@Req() req: ConsoleRequest, @Res() res: ConsoleResponse): Promise<void> {
    const { clientId, provider } = target(req.body);
    this.registration.assertKnownProvider(provider);
    await this.fleet.report(clientId, provider);
    const connectLink = this.links.createLink(clientId, provider);
    sendPage(res, 200, await this.renderConnection(req.consoleSession!, clientId, provider, { connectLink }));
  }

  private async renderConnection(
    session: ConsoleSession,
    clientId: string,
    provider: string,
    extra: { notice?: string; connectLink?: string },
  ): Promise<string> {
    const [report, history] = await Promise.all([this.fleet.report(clientId, provider), this.fleet.history(clientId, provider, HISTORY_SIZE)]);
    return connectionPage({
      base: this.routes.base,
      logoutCsrf: this.logoutCsrf(session),
      csrf: this.sessions.csrfToken(session),
      report,
      history,
      nextCheckAt: this.nextCheck.at(),
      now: new Date(),
      ...extra,
    });
  }

  /** With a host guard the host owns logging in and out. */
  private logoutCsrf(session: ConsoleSession): string | undefined {
    return this.hostGuard ? undefined : this.sessions.csrfToken(session);
  }
}

function statusFrom(value: string | undefined): TokenStatus | undefined {
  if (!value) return undefined;
  if (!(Object.values(TokenStatus) as string[]).includes(value)) throw TokenHealthError.invalidInput('status', 'Unknown status');
  return value as TokenStatus;
}

function target(source: Record<string, unknown> | undefined): { clientId: string; provider: string } {
  return { clientId: requireId('clientId', field(source, 'clientId')), provider: requireId('provider', field(source, 'provider')) };
}
