// A host app replacing the console's own login with its guard, and mounting it elsewhere
// (TokenHealthModule.forRoot({ console: { guard, path } })).
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import request from 'supertest';
import { ConsoleAuthGuard } from '../src/admin-console/console-auth.guard';
import { seedToken } from './factories/token.factory';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { useSecretScan } from './support/secret-scan';
import { httpServer } from './factories/http-server';

useSecretScan();

/** The host's own guard: lets through requests that carry `x-test-user: ok`. */
@Injectable()
class AllowHeaderGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest().headers['x-test-user'] === 'ok';
  }
}

describe(`${ConsoleAuthGuard.name} with a host guard, under another path`, () => {
  let database: TestDatabase;
  let app: TestApp;
  const http = () => request(httpServer(app));

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ DATABASE_URL: database.url }, { console: { guard: AllowHeaderGuard, path: 'ops/console' } });
    await seedToken(app, { clientId: 'host-tenant' });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it("opens the console to whom the host's guard lets through, without the console's login", async () => {
    const response = await http().get('/ops/console').set('x-test-user', 'ok').expect(200);

    expect(response.text).toContain('host-tenant');
    expect(response.text).not.toContain('Log out');
  });

  it('links and posts only under its own path', async () => {
    const response = await http().get('/ops/console').set('x-test-user', 'ok').expect(200);

    const targets = [...response.text.matchAll(/(?:href|action)="([^"]+)"/g)].map((match) => match[1]);
    expect(targets.length).toBeGreaterThan(3);
    expect(targets.every((target) => target.startsWith('/ops/console'))).toBe(true);
    expect(response.headers['set-cookie']?.[0]).toContain('Path=/ops/console;');
    await http().get('/admin').set('x-test-user', 'ok').expect(404);
  });

  it("refuses whom the host's guard refuses, showing no data", async () => {
    const response = await http().get('/ops/console').expect(403);

    expect(response.text).not.toContain('host-tenant');
  });

  it('sends the login form to the console', async () => {
    await http().get('/ops/console/login').set('x-test-user', 'ok').expect(303).expect('location', '/ops/console');
  });

  it('still wants the CSRF token on a POST', async () => {
    await http()
      .post('/ops/console/connection/check')
      .set('x-test-user', 'ok')
      .type('form')
      .send({ clientId: 'host-tenant', provider: 'zoho' })
      .expect(403);
  });

  it('accepts a POST with the CSRF token of its page', async () => {
    const agent = request.agent(httpServer(app));
    const page = await agent.get('/ops/console/connection?clientId=host-tenant&provider=zoho').set('x-test-user', 'ok').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];

    const response = await agent
      .post('/ops/console/connection/connect-link')
      .set('x-test-user', 'ok')
      .type('form')
      .send({ clientId: 'host-tenant', provider: 'zoho', _csrf: csrf })
      .expect(200);

    expect(response.text).toContain('/oauth/zoho/connect?link=');
  });
});
