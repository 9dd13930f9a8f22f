import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiScope, REQUIRED_SCOPE } from '../src/auth/api-scope';
import { restApi } from '../src/api/rest-api.feature';
import { restClient } from './support/rest-api/rest-client';
import { useSecretScan } from './support/secret-scan';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

useSecretScan();

/** A host's own guard: `x-role: viewer` may read, `x-role: operator` may also check; nothing else gets in. */
@Injectable()
class RoleHeaderGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const scope = this.reflector.get<ApiScope>(REQUIRED_SCOPE, context.getHandler());
    const role = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers['x-role'];
    return (role === 'viewer' && scope === 'read') || (role === 'operator' && (scope === 'read' || scope === 'check'));
  }
}

const PROBLEM = 'application/problem+json; charset=utf-8';

describe(restApi.name, () => {
  let database: TestDatabase;
  const apps: TestApp[] = [];
  const start = async (options: Parameters<typeof startTestApp>[1]) => {
    const app = await startTestApp({ DATABASE_URL: database.url }, options);
    apps.push(app);
    return app;
  };
  const get = (app: TestApp, path: string, headers: Record<string, string> = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }) =>
    fetch(`${app.baseUrl}${path}`, { headers });

  beforeAll(async () => (database = await createTestDatabase()));

  afterAll(async () => {
    for (const app of apps) await app.close();
    await database?.drop();
  });

  it('mounts under the path the host chose, the document naming those paths, and nothing under /api', async () => {
    const app = await start({ api: { path: '/ops/rest/' } });

    const summary = await get(app, '/ops/rest/v1/summary');
    const document = (await (await get(app, '/ops/rest/openapi.json', {})).json()) as { paths: Record<string, unknown> };

    expect(summary.status).toBe(200);
    expect(Object.keys(document.paths)).toContain('/ops/rest/v1/connections/{clientId}/{provider}/history');
    expect(Object.keys(document.paths).every((path) => path.startsWith('/ops/rest/v1/'))).toBe(true);
    expect((await get(app, '/api/v1/summary')).status).toBe(404);
    expect((await get(app, '/api/openapi.json')).status).toBe(404);
  });

  it('leaves every route out when disabled', async () => {
    const app = await start({ api: { enabled: false } });

    expect((await get(app, '/api/v1/summary')).status).toBe(404);
    expect((await get(app, '/api/openapi.json')).status).toBe(404);
  });

  it("lets the host's own guard decide by the route's scope instead of the admin token, refusals as 403 problem+json", async () => {
    const app = await start({ api: { guard: RoleHeaderGuard } });

    const viewerReads = await get(app, '/api/v1/summary', { 'x-role': 'viewer' });
    const viewerChecks = await fetch(`${app.baseUrl}/api/v1/checks`, { method: 'POST', headers: { 'x-role': 'viewer' } });
    const operatorChecks = await fetch(`${app.baseUrl}/api/v1/checks`, { method: 'POST', headers: { 'x-role': 'operator' } });
    const adminToken = await get(app, '/api/v1/summary');

    expect(viewerReads.status).toBe(200);
    expect(viewerChecks.status).toBe(403);
    expect(viewerChecks.headers.get('content-type')).toBe(PROBLEM);
    expect(await viewerChecks.json()).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(operatorChecks.status).toBe(200);
    expect(adminToken.status).toBe(403);
  });

  it('answers 429 problem+json with Retry-After after ten wrong tokens from one address, even to the right token', async () => {
    const app = await start({});
    const wrong = restClient(app.baseUrl, 'wrong-token-wrong-token');
    for (let attempt = 0; attempt < 10; attempt++) expect((await wrong.GET('/api/v1/summary')).response.status).toBe(401);

    const { error, response } = await restClient(app.baseUrl).GET('/api/v1/summary');

    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toBe(PROBLEM);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(error).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
  });
});
