// Console sessions end for real: logging out ends every copy of every session cookie (the
// generation lives in PostgreSQL, so replicas agree), and no session outlives
// ADMIN_SESSION_MAX_HOURS after its login, however often it slides.
import request from 'supertest';
import { ConsoleSessionService } from '../src/admin-console/console-session.service';
import { ConsoleRequest, ConsoleResponse } from '../src/admin-console/http-types';
import { httpServer } from './factories/http-server';
import { useSecretScan } from './support/secret-scan';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

useSecretScan();

const HOUR = 3600_000;

describe(`${ConsoleSessionService.name}: log out does not end the session`, () => {
  let database: TestDatabase;
  let app: TestApp;
  let replica: TestApp;
  const http = (target = app) => request(httpServer(target));
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];
  const sessionCookieOf = (response: request.Response) => {
    const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
    return cookies.map((cookie) => cookie.split(';')[0]).find((cookie) => cookie.startsWith('th_console='))!;
  };

  async function logIn(target = app): Promise<string> {
    const form = await http(target).get('/admin/login').expect(200);
    const login = await http(target)
      .post('/admin/login')
      .set('cookie', sessionCookieOf(form))
      .type('form')
      .send({ _csrf: csrfOf(form.text), token: TEST_ADMIN_TOKEN })
      .expect(303);
    return sessionCookieOf(login);
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    // Two replicas on one database, as behind a load balancer.
    [app, replica] = await Promise.all([startTestApp({ DATABASE_URL: database.url }), startTestApp({ DATABASE_URL: database.url })]);
  });

  afterAll(async () => {
    await Promise.all([app?.close(), replica?.close()]);
    await database?.drop();
  });

  it('refuses a copied session cookie after log out, on every replica', async () => {
    const cookie = await logIn();
    const copied = cookie;
    const fleet = await http().get('/admin').set('cookie', cookie).expect(200);
    await http(replica).get('/admin').set('cookie', copied).expect(200);

    await http()
      .post('/admin/logout')
      .set('cookie', cookie)
      .type('form')
      .send({ _csrf: csrfOf(fleet.text) })
      .expect(303);

    for (const target of [app, replica]) {
      const afterwards = await http(target).get('/admin').set('cookie', copied);
      expect(afterwards.status).toBe(303);
      expect(afterwards.headers.location).toBe('/admin/login');
    }
  });

  it('ends the other sessions too, and a new login works afterwards', async () => {
    const otherBrowser = await logIn(replica);
    const mine = await logIn();
    const fleet = await http().get('/admin').set('cookie', mine).expect(200);

    await http()
      .post('/admin/logout')
      .set('cookie', mine)
      .type('form')
      .send({ _csrf: csrfOf(fleet.text) })
      .expect(303);

    expect((await http(replica).get('/admin').set('cookie', otherBrowser)).status).toBe(303);
    await http()
      .get('/admin')
      .set('cookie', await logIn())
      .expect(200);
  });

  describe('a session older than the absolute lifetime', () => {
    /**
     * The cookie the server itself would hold after a login `hoursAgo` and a request a minute ago
     * that slid it (waiting 12 hours is not an option in a spec).
     */
    async function slidSessionCookie(hoursAgo: number): Promise<string> {
      const sessions = app.get(ConsoleSessionService);
      const now = Date.now();
      const login = cookieJar();
      const session = await sessions.logIn(noRequest(), login, now - hoursAgo * HOUR);
      const slid = cookieJar();
      sessions.touch(noRequest(), slid, session, now - 60_000);
      return slid.cookie!;
    }

    it('is refused even while it slides (ADMIN_SESSION_MAX_HOURS defaults to 12)', async () => {
      const response = await http()
        .get('/admin')
        .set('cookie', await slidSessionCookie(12.5));

      expect(response.status).toBe(303);
      expect(response.headers.location).toBe('/admin/login');
    });

    it('is not refused inside it', async () => {
      await http()
        .get('/admin')
        .set('cookie', await slidSessionCookie(11.5))
        .expect(200);
    });
  });
});

function noRequest(): ConsoleRequest {
  return { method: 'GET', headers: {}, query: {} };
}

function cookieJar(): ConsoleResponse & { cookie?: string } {
  const jar = {
    cookie: undefined as string | undefined,
    setHeader(name: string, value: string) {
      if (name === 'Set-Cookie') jar.cookie = value.split(';')[0];
      return jar;
    },
  };
  return jar as unknown as ConsoleResponse & { cookie?: string };
}
