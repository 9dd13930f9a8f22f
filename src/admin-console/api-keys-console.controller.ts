import { Controller, Get, Inject, Optional, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CreatedApiKey } from '../auth/api-key';
import { ApiKeysService } from '../auth/api-keys.service';
import { TokenHealthError, TokenHealthErrorCode } from '../common/token-health.error';
import { ConsoleAuthGuard } from './console-auth.guard';
import { ConsoleCsrfGuard } from './console-csrf.guard';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { sendPage } from './console-headers';
import { ConsoleRoutes } from './console-routes';
import { ConsoleSession, ConsoleSessionService } from './console-session.service';
import { TOKEN_HEALTH_CONSOLE_GUARD } from './console.tokens';
import { ConsoleRequest, ConsoleResponse, field, fields } from './http-types';
import { ApiKeysPage, apiKeysPage } from './pages/api-keys.page';

/** The console's API keys page: list, create (the key shown once, on the answer page), revoke. */
// Mounted under the configured path by consoleControllersAt (default `admin`).
@Controller('admin')
@UseFilters(ConsoleExceptionFilter)
export class ApiKeysConsoleController {
  constructor(
    private readonly sessions: ConsoleSessionService,
    private readonly apiKeys: ApiKeysService,
    private readonly routes: ConsoleRoutes,
    @Optional() @Inject(TOKEN_HEALTH_CONSOLE_GUARD) private readonly hostGuard?: unknown,
  ) {}

  @Get('api-keys')
  @UseGuards(ConsoleAuthGuard)
  async list(@Req() req: ConsoleRequest, @Res() res: ConsoleResponse): Promise<void> {
    const revoked = field(req.query, 'revoked');
    const notice =
      revoked === '1' ? 'API key revoked: it is refused from now on.' : revoked === '0' ? 'That API key was revoked already.' : undefined;
    sendPage(res, 200, await this.render(req.consoleSession!, { notice }));
  }

  @Post('api-keys')
  @UseGuards(ConsoleAuthGuard, ConsoleCsrfGuard)
  async create(@Req() req: ConsoleRequest, @Res() res: ConsoleResponse): Promise<void> {
    const form = { name: field(req.body, 'name'), scopes: fields(req.body, 'scopes'), expiresOn: field(req.body, 'expiresOn') };
    let created: CreatedApiKey;
    try {
      created = await this.apiKeys.create({ name: form.name, scopes: form.scopes, expiresAt: expiryFrom(form.expiresOn) });
    } catch (error) {
      if (!(error instanceof TokenHealthError) || error.code !== TokenHealthErrorCode.InvalidInput) throw error;
      return sendPage(res, 400, await this.render(req.consoleSession!, { error: error.message, form }));
    }
    // The answer itself shows the key (never a redirect: the key must not travel in a URL); pages are never cached.
    sendPage(res, 200, await this.render(req.consoleSession!, { created }));
  }

  @Post('api-keys/revoke')
  @UseGuards(ConsoleAuthGuard, ConsoleCsrfGuard)
  async revoke(@Req() req: ConsoleRequest, @Res() res: ConsoleResponse): Promise<void> {
    const revoked = await this.apiKeys.revoke(field(req.body, 'id'));
    res.redirect(303, `${this.routes.to('/api-keys')}?revoked=${revoked ? 1 : 0}`);
  }

  private async render(session: ConsoleSession, extra: Pick<ApiKeysPage, 'created' | 'notice' | 'error' | 'form'>): Promise<string> {
    return apiKeysPage({
      base: this.routes.base,
      // With a host guard the host owns logging in and out.
      logoutCsrf: this.hostGuard ? undefined : this.sessions.csrfToken(session),
      csrf: this.sessions.csrfToken(session),
      keys: await this.apiKeys.list(),
      now: new Date(),
      ...extra,
    });
  }
}

/** `YYYY-MM-DD` from the date field: the key expires at the start of that day, UTC. */
function expiryFrom(value: string | undefined): Date | null {
  if (!value) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw TokenHealthError.invalidInput('expiresOn', 'Expires on must be a date (YYYY-MM-DD)');
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) throw TokenHealthError.invalidInput('expiresOn', 'Expires on must be a date (YYYY-MM-DD)');
  return date;
}
