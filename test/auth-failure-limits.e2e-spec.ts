// Failed authentications are limited per address on every surface that checks a secret of ours,
// and a flood from many addresses never locks out the admin who has the token.
import { AuthFailureLimiter } from '../src/auth/auth-failure-limiter';
import { clientAt, cookiesOf } from './support/http-from-address';
import { useSecretScan } from './support/secret-scan';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

useSecretScan();

const METRICS_TOKEN = 'metrics-token-for-the-limit-spec';
const QUERY = JSON.stringify({ query: '{ tokenHealthSummary { total } }' });
const JSON_BODY = { 'content-type': 'application/json' };

let database: TestDatabase;

beforeAll(async () => (database = await createTestDatabase()));
afterAll(async () => database?.drop());

/** A fresh app (fresh limiter state) for each describe. */
function useApp(): () => TestApp {
  let app: TestApp;
  beforeAll(async () => (app = await startTestApp({ DATABASE_URL: database.url, METRICS_TOKEN })));
  afterAll(async () => app?.close());
  return () => app;
}

/** One console login from `address`, through the login form and its CSRF token. */
async function logIn(app: TestApp, address: string, token: string) {
  const client = clientAt(app.baseUrl, address);
  const form = await client.get('/admin/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
  const body = new URLSearchParams({ _csrf: csrf, token }).toString();
  return client.post('/admin/login', body, { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(form) });
}

describe(`${AuthFailureLimiter.name}: login limits lock out the admin and leave the bearer unlimited (a flood from many addresses)`, () => {
  const app = useApp();

  it('lets the admin with the right token in from a clean address after 200 wrong logins from 20 addresses', async () => {
    const flood = Array.from({ length: 20 }, async (_, i) => {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 10; attempt++) statuses.push((await logIn(app(), `127.0.1.${i + 1}`, `wrong-token-${i}-${attempt}`)).status);
      return statuses;
    });
    const statuses = (await Promise.all(flood)).flat();
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);

    const admin = await logIn(app(), '127.0.2.1', TEST_ADMIN_TOKEN);

    const api = await clientAt(app().baseUrl, '127.0.2.2').post('/graphql', QUERY, { ...JSON_BODY, authorization: `Bearer ${TEST_ADMIN_TOKEN}` });

    expect(admin.status).toBe(303);
    expect(api.status).toBe(200);
    expect(cookiesOf(admin)).toMatch(/th_console=[^;]*\.1\./);
  });
});

describe(`${AuthFailureLimiter.name}: login limits lock out the admin and leave the bearer unlimited (one address)`, () => {
  const app = useApp();

  it('throttles wrong bearers on /graphql per address: ten 401s, then 429 with code TOO_MANY_REQUESTS', async () => {
    const attacker = clientAt(app().baseUrl, '127.0.3.1');
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await attacker.post('/graphql', QUERY, { ...JSON_BODY, authorization: `Bearer wrong-bearer-${i}` })).status);
    }

    const throttled = await attacker.post('/graphql', QUERY, { ...JSON_BODY, authorization: 'Bearer wrong-bearer-again' });
    const evenTheRightOne = await attacker.post('/graphql', QUERY, { ...JSON_BODY, authorization: `Bearer ${TEST_ADMIN_TOKEN}` });
    const elsewhere = await clientAt(app().baseUrl, '127.0.3.2').post('/graphql', QUERY, {
      ...JSON_BODY,
      authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
    });

    expect(statuses).toEqual(Array(10).fill(401));
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(throttled.text)).toMatchObject({ errors: [{ extensions: { code: 'TOO_MANY_REQUESTS' } }] });
    // A blocked address learns nothing about its guesses, the right one included.
    expect(evenTheRightOne.status).toBe(429);
    expect(elsewhere.status).toBe(200);
    expect(JSON.parse(elsewhere.text)).toMatchObject({ data: { tokenHealthSummary: { total: 0 } } });
  });

  it('does not count requests that present no bearer at all', async () => {
    const client = clientAt(app().baseUrl, '127.0.3.3');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await client.post('/graphql', QUERY, JSON_BODY)).status);

    expect(statuses).toEqual(Array(12).fill(401));
  });

  it('throttles wrong /metrics bearers per address, apart from the admin token', async () => {
    const scraper = clientAt(app().baseUrl, '127.0.4.1');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await scraper.get('/metrics', { authorization: `Bearer wrong-metrics-${i}` })).status);
    const api = await scraper.post('/graphql', QUERY, { ...JSON_BODY, authorization: `Bearer ${TEST_ADMIN_TOKEN}` });
    const otherScraper = await clientAt(app().baseUrl, '127.0.4.2').get('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` });

    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    expect(api.status).toBe(200);
    expect(otherScraper.status).toBe(200);
  });
});
