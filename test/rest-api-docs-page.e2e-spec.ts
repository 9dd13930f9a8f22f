import { Browser } from 'playwright-core';
import { ApiDocsController } from '../src/api/api-docs.controller';
import { launchBrowser } from './support/browser';
import { useSecretScan } from './support/secret-scan';
import { startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

useSecretScan();

describe(ApiDocsController.name, () => {
  let database: TestDatabase;
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ DATABASE_URL: database.url }, { api: { path: 'ops/rest' } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.drop();
  });

  it('renders every operation of the document in a browser, loading nothing from outside', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));

    await page.goto(`${app.baseUrl}/ops/rest/docs`);
    await page.getByText('/ops/rest/v1/connections/{clientId}/{provider}/connect-link').waitFor();

    expect(await page.locator('.opblock').count()).toBe(9);
    expect(requested.filter((url) => !url.startsWith(app.baseUrl) && !url.startsWith('data:'))).toEqual([]);
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
    await page.close();
  });

  it('serves only the assets it names', async () => {
    expect((await fetch(`${app.baseUrl}/ops/rest/docs/swagger-ui.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${app.baseUrl}/ops/rest/docs/package.json`)).status).toBe(404);
    expect((await fetch(`${app.baseUrl}/ops/rest/docs/..%2Fpackage.json`)).status).toBe(404);
  });
});
