// The admin console driven through a real headless Chromium, against the real app,
// database and a fake OAuth provider on 127.0.0.1.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { AdminConsoleController } from '../src/admin-console/admin-console.controller';
import { TokenStatus } from '../src/oauth/token-status';
import { TokenCountsService } from '../src/token-health/token-counts.service';
import { seedFleet } from './factories/fleet.factory';
import { seedToken } from './factories/token.factory';
import { launchBrowser } from './support/browser';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';
import { useSecretScan } from './support/secret-scan';
import { httpServer } from './factories/http-server';

useSecretScan();

const SCREENSHOT = join(__dirname, '..', 'docs', 'console.png');

describe(AdminConsoleController.name, () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  const url = (path: string) => `${app.baseUrl}${path}`;
  const tableRows = () => page.locator('table tbody tr');
  const clientCells = () => page.locator('table tbody tr td:first-child');

  async function logIn(token = TEST_ADMIN_TOKEN): Promise<void> {
    await page.goto(url('/admin/login'));
    await page.getByLabel('Admin token').fill(token);
    await page.getByRole('button', { name: 'Log in' }).click();
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    app = await startTestApp({ DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1' });
    browser = await launchBrowser();
  });

  beforeEach(async () => {
    zoho.reset();
    await app.dataSource.query('TRUNCATE oauth_tokens, alert_outbox, token_health_events');
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await zoho?.close();
    await database?.drop();
  });

  it('sends a first visit of / to the console', async () => {
    await request(httpServer(app)).get('/').expect(302).expect('location', '/admin');
  });

  describe('login', () => {
    it('refuses a wrong token and shows the form again with an error', async () => {
      await logIn('not-the-admin-token-at-all');

      expect(await page.getByRole('alert').textContent()).toBe('That admin token is not valid.');
      expect(await page.getByLabel('Admin token').isVisible()).toBe(true);
      expect(new URL(page.url()).pathname).toBe('/admin/login');
    });

    it('lets the right token in, with an HttpOnly SameSite=Strict session cookie', async () => {
      await logIn();

      await page.getByRole('heading', { name: 'Connections' }).waitFor();
      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({ name: 'th_console', httpOnly: true, sameSite: 'Strict', path: '/admin' });
      expect(cookie.value).not.toContain(TEST_ADMIN_TOKEN);
    });

    it('logs in with Enter', async () => {
      await page.goto(url('/admin/login'));
      await page.getByLabel('Admin token').fill(TEST_ADMIN_TOKEN);
      await page.getByLabel('Admin token').press('Enter');

      await page.getByRole('heading', { name: 'Connections' }).waitFor();
    });

    it('logs out: the console is closed again afterwards', async () => {
      await logIn();

      await page.getByRole('button', { name: 'Log out' }).click();

      await page.getByLabel('Admin token').waitFor();
      await page.goto(url('/admin'));
      expect(new URL(page.url()).pathname).toBe('/admin/login');
    });
  });

  describe('without a session', () => {
    it.each(['/admin', '/admin?status=invalid', '/admin/connection?clientId=secret-tenant&provider=zoho'])(
      'shows the login form instead of %s, and no data',
      async (path) => {
        await seedToken(app, { clientId: 'secret-tenant' });

        const response = await page.goto(url(path));

        expect(new URL(page.url()).pathname).toBe('/admin/login');
        expect(await response!.text()).not.toContain('secret-tenant');
      },
    );

    it('does not open with the pre-login session the login form hands out', async () => {
      await seedToken(app, { clientId: 'secret-tenant' });
      await page.goto(url('/admin/login'));
      expect(await context.cookies()).toHaveLength(1);

      const response = await page.goto(url('/admin'));

      expect(new URL(page.url()).pathname).toBe('/admin/login');
      expect(await response!.text()).not.toContain('secret-tenant');
    });

    it('refuses a POST action (403) and does nothing', async () => {
      const { clientId } = await seedToken(app, { clientId: 'acme', expiresInMinutes: 5 });

      const response = await page.request.post(url('/admin/connection/check'), { form: { clientId, provider: 'zoho' }, maxRedirects: 0 });

      expect(response.status()).toBe(403);
      expect(zoho.requests).toHaveLength(0);
    });
  });

  describe('fleet page', () => {
    it('sends a CSP without inline script and forbids framing', async () => {
      await logIn();

      const response = await page.goto(url('/admin'));

      const headers = response!.headers();
      expect(headers['content-security-policy']).toContain("default-src 'none'");
      expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(headers['x-frame-options']).toBe('DENY');
      expect(await page.locator('script').count()).toBe(0);
    });

    it('has the table headers Client, Provider, Status, Last check, Error', async () => {
      await logIn();

      const headers = await page.locator('th[scope="col"]').allTextContents();

      expect(headers).toEqual(['Client', 'Provider', 'Status', 'Last check', 'Error']);
    });

    it('shows counts per status', async () => {
      await seedFleet(app, { prefix: 'ok', count: 4 });
      await seedFleet(app, { prefix: 'dead', count: 2, status: TokenStatus.Invalid });
      app.get(TokenCountsService).invalidate(); // counts are a snapshot; earlier tests filled it
      await logIn();

      const summary = page.getByRole('region', { name: 'Summary' });

      expect(await summary.textContent()).toContain('6Total');
      expect(await summary.textContent()).toContain('2Invalid');
      expect(await summary.textContent()).toContain('4Healthy');
    });

    it('filters by status: only those rows are shown', async () => {
      await seedFleet(app, { prefix: 'ok', count: 5 });
      await seedFleet(app, { prefix: 'dead', count: 3, status: TokenStatus.Invalid });
      await seedFleet(app, { prefix: 'flaky', count: 2, status: TokenStatus.RefreshFailed });
      await logIn();

      await page.getByLabel('Status').selectOption({ label: 'Refresh failed' });
      await page.getByRole('button', { name: 'Apply' }).click();

      await page.waitForURL(/status=refresh_failed/);
      expect(await clientCells().allTextContents()).toEqual(expect.arrayContaining(['flaky-0001', 'flaky-0002']));
      expect(await tableRows().count()).toBe(2);
      expect(await page.locator('table tbody .status').allTextContents()).toEqual(['Refresh failed', 'Refresh failed']);
    });

    it('searches a clientId substring', async () => {
      await seedFleet(app, { prefix: 'acme-north', count: 2 });
      await seedFleet(app, { prefix: 'globex', count: 3 });
      await logIn();

      await page.getByLabel('Search').fill('north');
      await page.getByLabel('Search').press('Enter');

      await page.waitForURL(/search=north/);
      expect((await clientCells().allTextContents()).sort()).toEqual(['acme-north-0001', 'acme-north-0002']);
    });

    it('pages through 120 connections with Next and back with Previous', async () => {
      await seedFleet(app, { prefix: 'tenant', count: 120 });
      await logIn();
      const seen: string[] = [];

      seen.push(...(await clientCells().allTextContents()));
      expect(await page.getByRole('link', { name: 'Previous' }).count()).toBe(0);
      await page.getByRole('link', { name: 'Next' }).click();
      await page.waitForURL(/after=/);
      const second = await clientCells().allTextContents();
      seen.push(...second);
      const secondUrl = page.url();
      await page.getByRole('link', { name: 'Next' }).click();
      await page.waitForURL((next) => next.href !== secondUrl);
      const third = await clientCells().allTextContents();
      seen.push(...third);

      expect(seen.slice(0, 50)).toHaveLength(50);
      expect(second).toHaveLength(50);
      expect(third).toHaveLength(20);
      expect(new Set(seen).size).toBe(120);
      expect(await page.getByRole('link', { name: 'Next' }).count()).toBe(0);

      await page.getByRole('link', { name: 'Previous' }).click();
      await page.waitForURL(/before=/);
      expect(await clientCells().allTextContents()).toEqual(second);
    });

    it('shows dates relative, with the absolute time on hover', async () => {
      await seedFleet(app, { prefix: 'checked', count: 1, checkedMinutesAgo: 2 });
      await logIn();

      const time = page.locator('table tbody time').first();

      expect(await time.textContent()).toBe('3 min ago');
      expect(await time.getAttribute('title')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    });

    it('escapes what it shows', async () => {
      await seedToken(app, { clientId: '<img src=x onerror=alert(1)>' });
      await logIn();

      expect(await clientCells().first().textContent()).toBe('<img src=x onerror=alert(1)>');
      expect(await page.locator('table img').count()).toBe(0);
    });

    it('takes the screenshot of the fleet page for the README (rewritten only with UPDATE_CONSOLE_SCREENSHOT=1)', async () => {
      await seedFleet(app, { prefix: 'acme-eu', count: 3, status: TokenStatus.Invalid, checkedMinutesAgo: 4 });
      await seedFleet(app, { prefix: 'globex', count: 2, status: TokenStatus.RefreshFailed, checkedMinutesAgo: 9 });
      await seedFleet(app, { prefix: 'initech', count: 1, status: TokenStatus.Expiring, checkedMinutesAgo: 12 });
      await seedFleet(app, { prefix: 'umbrella', count: 14, checkedMinutesAgo: 20 });
      await app.dataSource.query(`UPDATE oauth_tokens SET health_check_error = CASE token_status
        WHEN 'invalid' THEN 'Zoho answered invalid_code: the grant was revoked or has expired'
        WHEN 'refresh_failed' THEN 'HTTP 503 from https://accounts.zoho.eu (after 3 attempts)'
        WHEN 'expiring' THEN 'The refresh token expires on 2026-12-02 (UTC): re-authorize before then' END`);
      app.get(TokenCountsService).invalidate();
      await logIn();

      const update = process.env.UPDATE_CONSOLE_SCREENSHOT === '1';
      const png = await page.screenshot({ fullPage: true, ...(update ? { path: SCREENSHOT } : {}) });

      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(existsSync(SCREENSHOT)).toBe(true);
    });
  });

  describe('connection page', () => {
    it('opens from the fleet and shows the history after a status change, newest first', async () => {
      const { clientId, refreshToken } = await seedToken(app, { clientId: 'acme', expiresInMinutes: 5 });
      zoho.whenRefreshing(refreshToken!, { status: 200, body: { error: 'invalid_code' } });
      await request(httpServer(app))
        .post('/graphql')
        .set({ authorization: `Bearer ${TEST_ADMIN_TOKEN}` })
        .send({ query: `mutation { checkTokenHealth(clientId: "${clientId}") { status } }` })
        .expect(200);
      await logIn();

      await page.getByRole('link', { name: 'acme' }).click();

      await page.getByRole('heading', { name: /acme/ }).waitFor();
      const history = page.getByRole('table', { name: 'History' });
      const rows = await history.locator('tbody tr').allTextContents();
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatch(/Healthy\s*Invalid\s*Health check.*invalid_code/s);
      expect(rows[1]).toMatch(/—\s*Healthy/);
    });

    it('Check now turns a revoked token to Invalid on screen', async () => {
      const { refreshToken } = await seedToken(app, { clientId: 'revoked-co', expiresInMinutes: 5 });
      zoho.whenRefreshing(refreshToken!, { status: 400, body: { error: 'invalid_grant' } });
      await logIn();
      await page.getByRole('link', { name: 'revoked-co' }).click();
      expect(await page.getByRole('definition').first().textContent()).toBe('Healthy');

      await page.getByRole('button', { name: 'Check now' }).click();

      await page.getByRole('status').waitFor();
      expect(await page.getByRole('definition').first().textContent()).toBe('Invalid');
      expect(zoho.refreshCount(refreshToken!)).toBe(1);
      expect(await page.getByRole('table', { name: 'History' }).locator('tbody tr').first().textContent()).toMatch(/Invalid/);
    });

    it('Re-authorize link shows a fresh signed link that starts the connect flow', async () => {
      await seedToken(app, { clientId: 'relink', status: TokenStatus.Invalid });
      await logIn();
      await page.goto(url('/admin/connection?clientId=relink&provider=zoho'));

      await page.getByRole('button', { name: 'Re-authorize link' }).click();

      const link = page.getByRole('region', { name: 'Connect link' }).getByRole('link');
      const href = (await link.getAttribute('href'))!;
      const shown = new URL(href);
      expect(shown.pathname).toBe('/oauth/zoho/connect');
      expect(shown.searchParams.get('link')).toBeTruthy();
      // PUBLIC_BASE_URL names the default port; the app under test listens elsewhere.
      const connect = await request(httpServer(app)).get(`${shown.pathname}${shown.search}`);
      expect(connect.status).toBe(302);
      expect(connect.headers.location).toMatch(new RegExp(`^${zoho.url}/oauth/v2/auth\\?`));
      expect(new URL(connect.headers.location).searchParams.get('state')).toBeTruthy();
    });

    it('refuses a Check now POST without the CSRF token (403) and does nothing', async () => {
      const { refreshToken } = await seedToken(app, { clientId: 'csrf-co', expiresInMinutes: 5 });
      await logIn();

      const missing = await page.request.post(url('/admin/connection/check'), { form: { clientId: 'csrf-co', provider: 'zoho' }, maxRedirects: 0 });
      const wrong = await page.request.post(url('/admin/connection/check'), {
        form: { clientId: 'csrf-co', provider: 'zoho', _csrf: 'forged' },
        maxRedirects: 0,
      });

      expect(missing.status()).toBe(403);
      expect(wrong.status()).toBe(403);
      expect(zoho.refreshCount(refreshToken!)).toBe(0);
    });

    it('refuses a Log out POST without the CSRF token and keeps the session', async () => {
      await logIn();

      const response = await page.request.post(url('/admin/logout'), { form: {}, maxRedirects: 0 });

      expect(response.status()).toBe(403);
      await page.goto(url('/admin'));
      await page.getByRole('heading', { name: 'Connections' }).waitFor();
    });
  });
});
