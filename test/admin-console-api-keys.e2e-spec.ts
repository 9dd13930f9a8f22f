// API keys in the admin console: created (shown once, on the answer page) and revoked with the
// session cookie and the form's CSRF token, as a browser would; the console login stays the admin
// token's alone.
import request from 'supertest';
import { ApiKeysConsoleController } from '../src/admin-console/api-keys-console.controller';
import { httpServer } from './factories/http-server';
import { graphqlAs, rememberApiKey } from './support/api-keys';
import { launchBrowser } from './support/browser';
import { useSecretScan } from './support/secret-scan';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

useSecretScan();

const SUMMARY = '{ tokenHealthSummary { total } }';
const KEY_IN_PAGE = /<code>(thk_[0-9a-f]{10}_[A-Za-z0-9_-]{43})<\/code>/;

describe(ApiKeysConsoleController.name, () => {
  let database: TestDatabase;
  let app: TestApp;
  let cookie: string;
  const http = () => request(httpServer(app));
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];
  const sessionCookieOf = (response: request.Response) =>
    ([] as string[])
      .concat(response.headers['set-cookie'] ?? [])
      .map((line) => line.split(';')[0])
      .find((line) => line.startsWith('th_console='))!;
  const storedKeys = async () => {
    const rows: { count: number }[] = await app.dataSource.query('SELECT count(*)::int AS count FROM api_keys');
    return rows[0].count;
  };

  async function logIn(token = TEST_ADMIN_TOKEN): Promise<request.Response> {
    const form = await http().get('/admin/login').expect(200);
    return http()
      .post('/admin/login')
      .set('cookie', sessionCookieOf(form))
      .type('form')
      .send({ _csrf: csrfOf(form.text), token });
  }

  /** Submits the create form of the API keys page as a browser would; `scopes` repeats like checked boxes. */
  async function submitCreate(form: { name: string; scopes: string[]; expiresOn?: string }, csrf?: string): Promise<request.Response> {
    const page = await http().get('/admin/api-keys').set('cookie', cookie).expect(200);
    const body = new URLSearchParams({ _csrf: csrf ?? csrfOf(page.text), name: form.name, expiresOn: form.expiresOn ?? '' });
    for (const scope of form.scopes) body.append('scopes', scope);
    const answer = await http().post('/admin/api-keys').set('cookie', cookie).type('form').send(body.toString());
    const key = KEY_IN_PAGE.exec(answer.text)?.[1];
    if (key) await rememberApiKey(app, key);
    return answer;
  }

  async function createKey(scopes: string[], name = 'from the console'): Promise<{ key: string; id: string }> {
    const answer = await submitCreate({ name, scopes });
    expect(answer.status).toBe(200);
    const key = KEY_IN_PAGE.exec(answer.text)![1];
    return { key, id: key.slice(4, 14) };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ DATABASE_URL: database.url });
    const login = await logIn();
    expect(login.status).toBe(303);
    cookie = sessionCookieOf(login);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  describe('without a session', () => {
    it('sends the page to the login form', async () => {
      const answer = await http().get('/admin/api-keys');

      expect(answer.status).toBe(303);
      expect(answer.headers.location).toBe('/admin/login');
    });

    it('refuses to create a key (403) and stores nothing', async () => {
      const before = await storedKeys();

      await http().post('/admin/api-keys').type('form').send({ name: 'sneaky', scopes: 'admin' }).expect(403);

      expect(await storedKeys()).toBe(before);
    });
  });

  it('shows the create form: a name, a checkbox per scope, an optional expiry date', async () => {
    const page = await http().get('/admin/api-keys').set('cookie', cookie).expect(200);

    expect(page.text).toContain('<h1>API keys</h1>');
    expect(page.text).toContain('<label for="name">Name</label>');
    expect(page.text).toContain('<legend>Scopes</legend>');
    for (const scope of ['read', 'check', 'connect', 'register', 'admin']) {
      expect(page.text).toContain(`<input type="checkbox" name="scopes" value="${scope}">`);
    }
    expect(page.text).toMatch(/<label for="expiresOn">Expires on \(UTC, optional\)<\/label>\s*<input type="date" id="expiresOn"/);
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('creates a key with the chosen scopes and expiry, shows it once, and lists it without its secret', async () => {
    const answer = await submitCreate({ name: 'status dashboard', scopes: ['read', 'check'], expiresOn: '2099-06-30' });

    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Copy it now: it is shown only this once');
    const key = KEY_IN_PAGE.exec(answer.text)![1];
    const id = key.slice(4, 14);
    const [row]: { name: string; scopes: string[]; expires_at: Date }[] = await app.dataSource.query('SELECT * FROM api_keys WHERE id = $1', [id]);
    expect(row).toMatchObject({ name: 'status dashboard', scopes: ['read', 'check'], expires_at: new Date('2099-06-30T00:00:00Z') });

    expect((await graphqlAs(app, key, SUMMARY)).status).toBe(200);
    expect((await graphqlAs(app, key, 'mutation { createConnectLink(clientId: "acme", provider: "zoho") }')).errors?.[0].extensions?.code).toBe(
      'FORBIDDEN',
    );

    const later = await http().get('/admin/api-keys').set('cookie', cookie).expect(200);
    expect(later.text).toContain('status dashboard');
    expect(later.text).toContain(`<code>${id}</code>`);
    expect(later.text).not.toContain(key.slice(15, 27));
  });

  it('refuses a form without the CSRF token (403) and stores nothing', async () => {
    const before = await storedKeys();

    const answer = await submitCreate({ name: 'forged', scopes: ['admin'] }, 'not-the-csrf-token');

    expect(answer.status).toBe(403);
    expect(await storedKeys()).toBe(before);
  });

  it('refuses a key without a scope: 400, the error as an alert, the name kept in the form', async () => {
    const before = await storedKeys();

    const answer = await submitCreate({ name: 'forgot the scopes', scopes: [] });

    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/<p class="error" role="alert">scopes must name at least one of read, check, connect, register, admin<\/p>/);
    expect(answer.text).toContain('value="forgot the scopes"');
    expect(await storedKeys()).toBe(before);
  });

  it('refuses an expiry date in the past', async () => {
    const answer = await submitCreate({ name: 'late', scopes: ['read'], expiresOn: '2001-01-01' });

    expect(answer.status).toBe(400);
    expect(answer.text).toContain('expiresAt must be in the future');
  });

  it('revokes a key: the API refuses it on the next request, the page says so and lists it no more', async () => {
    const { key, id } = await createKey(['read'], 'to revoke');
    const page = await http().get('/admin/api-keys').set('cookie', cookie).expect(200);

    const answer = await http()
      .post('/admin/api-keys/revoke')
      .set('cookie', cookie)
      .type('form')
      .send({ _csrf: csrfOf(page.text), id });

    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/admin/api-keys?revoked=1');
    expect((await graphqlAs(app, key, SUMMARY)).status).toBe(401);
    const after = await http().get('/admin/api-keys?revoked=1').set('cookie', cookie).expect(200);
    expect(after.text).toContain('API key revoked: it is refused from now on.');
    expect(after.text).not.toContain(`<code>${id}</code>`);
  });

  it('does not revoke without the CSRF token', async () => {
    const { key, id } = await createKey(['read']);

    await http().post('/admin/api-keys/revoke').set('cookie', cookie).type('form').send({ _csrf: 'forged', id }).expect(403);

    expect((await graphqlAs(app, key, SUMMARY)).status).toBe(200);
  });

  it('does not let a key log in to the console, not even one with the admin scope', async () => {
    const { key } = await createKey(['admin']);

    const answer = await logIn(key);

    expect(answer.status).toBe(401);
    expect(answer.text).toContain('That admin token is not valid.');
    expect(sessionCookieOf(answer) ?? '').not.toMatch(/th_console=[^;]*\.1\./);
  });

  it('walks through in a browser: label, checkbox, button, the key region and Revoke by role', async () => {
    const browser = await launchBrowser();
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${app.baseUrl}/admin/login`);
      await page.getByLabel('Admin token').fill(TEST_ADMIN_TOKEN);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('link', { name: 'API keys' }).click();

      await page.getByLabel('Name').fill('browser key');
      await page.getByRole('checkbox', { name: /^connect/ }).check();
      await page.getByRole('button', { name: 'Create key' }).click();
      const key = (await page.getByRole('region', { name: 'New API key' }).locator('code').textContent())!;
      await rememberApiKey(app, key);

      const row = page.getByRole('row').filter({ hasText: 'browser key' });
      await row.getByRole('button', { name: 'Revoke' }).click();

      await page.getByRole('status').filter({ hasText: 'API key revoked' }).waitFor();
      expect(await page.getByRole('row').filter({ hasText: 'browser key' }).count()).toBe(0);
      expect((await graphqlAs(app, key, SUMMARY)).status).toBe(401);
    } finally {
      await browser.close();
    }
  });
});
