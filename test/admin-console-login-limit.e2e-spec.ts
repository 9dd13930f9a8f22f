// Console logins are rate-limited per address: after ten wrong tokens even the right one waits.
import request from 'supertest';
import { ConsoleLoginService } from '../src/admin-console/console-login.service';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';
import { useSecretScan } from './support/secret-scan';
import { httpServer } from './factories/http-server';

useSecretScan();

describe(`${ConsoleLoginService.name} rate limit`, () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ DATABASE_URL: database.url });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  async function attempt(token: string) {
    const agent = request.agent(httpServer(app));
    const form = await agent.get('/admin/login').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    return agent.post('/admin/login').type('form').send({ _csrf: csrf, token });
  }

  it('refuses the eleventh attempt from an address with 429, even with the right token', async () => {
    for (let i = 0; i < 10; i++) expect((await attempt(`wrong-token-number-${i}`)).status).toBe(401);

    const blocked = await attempt(TEST_ADMIN_TOKEN);

    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Too many failed attempts');
    expect(String(blocked.headers['set-cookie'] ?? '')).not.toMatch(/th_console=[^;]*\.1\./);
  });
});
