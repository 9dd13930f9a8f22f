import { Controller, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { TokenHealthError, TokenHealthErrorCode } from '../common/token-health.error';
import { AppConfig } from '../config/app-config';
import { ApiCredentials } from './api-credentials';
import { ApiKeyVerdict, ApiKeysService } from './api-keys.service';
import { RequireScope } from './api-scope';
import { ApiScopeGuard } from './api-scope.guard';
import { AuthFailureLimiter } from './auth-failure-limiter';

const ADMIN_TOKEN = 'admin-token-for-the-guard-spec';
const READ_KEY = `thk_00000000aa_${'r'.repeat(43)}`;

@Controller('connections')
class ConnectionsController {
  @RequireScope('read')
  @Get()
  list(): void {}

  @RequireScope('check')
  @Get('check')
  check(): void {}

  @Get('undeclared')
  undeclared(): void {}
}

/** Knows one key, with scope read. */
class OneReadKey {
  verify({ id, secret }: { id: string; secret: string }): Promise<ApiKeyVerdict> {
    if (`thk_${id}_${secret}` !== READ_KEY) return Promise.resolve({ outcome: 'unknown' });
    return Promise.resolve({
      outcome: 'ok',
      apiKey: { id, name: 'reader', scopes: ['read'], createdAt: new Date(), lastUsedAt: null, expiresAt: null },
    });
  }
}

describe(`${ApiScopeGuard.name} on an HTTP controller`, () => {
  let sut: ApiScopeGuard;

  beforeEach(() => {
    const credentials = new ApiCredentials(
      { adminApiToken: ADMIN_TOKEN } as AppConfig,
      new OneReadKey() as unknown as ApiKeysService,
      new AuthFailureLimiter(),
    );
    sut = new ApiScopeGuard(credentials, new Reflector());
  });

  const call = (handler: keyof ConnectionsController, authorization?: string) => {
    const request = { ip: '10.0.0.1', headers: authorization ? { authorization } : {} };
    const context = new ExecutionContextHost([request, {}], ConnectionsController, ConnectionsController.prototype[handler]);
    context.setType('http');
    return sut.canActivate(context);
  };
  const codeOf = async (verdict: Promise<boolean>) => {
    try {
      return await verdict;
    } catch (error) {
      return error instanceof TokenHealthError ? error.code : error;
    }
  };

  it('lets a key through to a route of its scope', async () => {
    expect(await call('list', `Bearer ${READ_KEY}`)).toBe(true);
  });

  it('refuses a key on a route of another scope with Forbidden', async () => {
    expect(await codeOf(call('check', `Bearer ${READ_KEY}`))).toBe(TokenHealthErrorCode.Forbidden);
  });

  it('keeps a route that declares no scope for admin', async () => {
    expect(await codeOf(call('undeclared', `Bearer ${READ_KEY}`))).toBe(TokenHealthErrorCode.Forbidden);
    expect(await call('undeclared', `Bearer ${ADMIN_TOKEN}`)).toBe(true);
  });

  it('lets the admin token through everywhere', async () => {
    for (const handler of ['list', 'check', 'undeclared'] as const) expect(await call(handler, `Bearer ${ADMIN_TOKEN}`)).toBe(true);
  });

  it('refuses a missing or unknown credential with Unauthenticated', async () => {
    expect(await codeOf(call('list'))).toBe(TokenHealthErrorCode.Unauthenticated);
    expect(await codeOf(call('list', `Bearer thk_00000000bb_${'r'.repeat(43)}`))).toBe(TokenHealthErrorCode.Unauthenticated);
  });

  it('answers TooManyAttempts after ten wrong credentials from an address, even for the right one', async () => {
    for (let i = 0; i < 10; i++) expect(await codeOf(call('list', `Bearer wrong-${i}`))).toBe(TokenHealthErrorCode.Unauthenticated);

    expect(await codeOf(call('list', `Bearer ${READ_KEY}`))).toBe(TokenHealthErrorCode.TooManyAttempts);
  });
});
