import { ConnectionsController } from '../src/api/connections.controller';
import { TokenStatus } from '../src/oauth/token-status';
import { TokenCountsCache } from '../src/token-health/token-counts.cache';
import { TokenCountsService } from '../src/token-health/token-counts.service';
import { seedFleet } from './factories/fleet.factory';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { documentedExchanges, exercised, restClient, RestClient, sendUnchecked } from './support/rest-api/rest-client';
import { secretScan, useSecretScan } from './support/secret-scan';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

useSecretScan();

const PROBLEM = 'application/problem+json; charset=utf-8';

describe(ConnectionsController.name, () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let app: TestApp;
  let rest: RestClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    app = await startTestApp({ DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1' });
    rest = restClient(app.baseUrl);
  });

  beforeEach(async () => {
    zoho.reset();
    await app.dataSource.query('TRUNCATE oauth_tokens, alert_outbox, token_health_events');
    app.get(TokenCountsService).invalidate();
  });

  afterAll(async () => {
    await app?.close();
    await zoho?.close();
    await database?.drop();
  });

  const list = async (query: { status?: TokenStatus[]; provider?: string; search?: string; limit?: number; cursor?: string } = {}) => {
    const { data, error, response } = await rest.GET('/api/v1/connections', { params: { query } });
    expect(error).toBeUndefined();
    return { ...data!, link: response.headers.get('link') };
  };
  const register = (clientId: string, refreshToken = secretScan.secret(`1000.refresh.${clientId}-rest`)) =>
    rest.POST('/api/v1/connections', { body: { clientId, provider: 'zoho', refreshToken } });

  describe('GET /api/v1/connections', () => {
    it('answers an empty page for an empty fleet, with no Link', async () => {
      expect(await list()).toEqual({ items: [], next: null, link: null });
    });

    it('lists unhealthy connections first, each most recently checked first, with the stored lower-case statuses', async () => {
      await seedFleet(app, { prefix: 'ok', count: 2, status: TokenStatus.Healthy, checkedMinutesAgo: 0 });
      await seedFleet(app, { prefix: 'soon', count: 1, status: TokenStatus.Expiring });
      await seedFleet(app, { prefix: 'dead', count: 2, status: TokenStatus.Invalid, checkedMinutesAgo: 30 });
      await seedFleet(app, { prefix: 'flaky', count: 1, status: TokenStatus.RefreshFailed });

      const { items } = await list({ limit: 10 });

      expect(items.map((item) => item.clientId)).toEqual(['dead-0001', 'dead-0002', 'flaky-0001', 'soon-0001', 'ok-0001', 'ok-0002']);
      expect(items.map((item) => item.status)).toEqual(['invalid', 'invalid', 'refresh_failed', 'expiring', 'healthy', 'healthy']);
      expect(Object.keys(items[0]).sort()).toEqual([
        'accessTokenExpiresAt',
        'clientId',
        'error',
        'lastHealthCheck',
        'lastRefresh',
        'provider',
        'status',
      ]);
    });

    it('walks the whole fleet by next without gaps or repeats, each Link naming the next page, the last page with next null', async () => {
      await seedFleet(app, { prefix: 'a', count: 7 });
      await seedFleet(app, { prefix: 'b', count: 5, status: TokenStatus.Invalid, checkedMinutesAgo: null });

      const seen: string[] = [];
      const links: (string | null)[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await list({ provider: 'zoho', limit: 4, cursor });
        seen.push(...page.items.map((item) => item.clientId));
        links.push(page.link);
        if (page.next === null) break;
        expect(page.link).toBe(`</api/v1/connections?provider=zoho&limit=4&cursor=${page.next}>; rel="next"`);
        cursor = page.next;
      }

      expect(links).toHaveLength(3);
      expect(links[2]).toBeNull();
      expect(new Set(seen).size).toBe(12);
      expect(seen.slice(0, 5).sort()).toEqual(['b-0001', 'b-0002', 'b-0003', 'b-0004', 'b-0005']);
    });

    it('ends with an empty page past the last row', async () => {
      await seedFleet(app, { count: 3 });
      const first = await list({ limit: 2 });
      const last = await list({ limit: 2, cursor: first.next! });
      await app.dataSource.query("DELETE FROM oauth_tokens WHERE client_id = 'tenant-0003'");

      const past = await list({ limit: 2, cursor: first.next! });

      expect(last).toMatchObject({ items: [{ clientId: 'tenant-0003' }], next: null, link: null });
      expect(past).toEqual({ items: [], next: null, link: null });
    });

    it('filters by several statuses (repeated or comma-separated), by provider and by clientId substring', async () => {
      await seedFleet(app, { prefix: 'ok', count: 5 });
      await seedFleet(app, { prefix: 'dead', count: 3, status: TokenStatus.Invalid });
      await seedFleet(app, { prefix: 'flaky', count: 2, status: TokenStatus.RefreshFailed, provider: 'google' });

      const failing = await list({ status: [TokenStatus.Invalid, TokenStatus.RefreshFailed] });
      const commaSeparated = await sendUnchecked(app.baseUrl, 'GET', '/api/v1/connections', '/api/v1/connections?status=invalid,refresh_failed');
      const google = await list({ provider: 'google' });
      const search = await list({ search: 'EAD' });

      expect(failing.items.map((item) => item.status)).toEqual(['invalid', 'invalid', 'invalid', 'refresh_failed', 'refresh_failed']);
      expect(((await commaSeparated.json()) as { items: unknown[] }).items).toEqual(failing.items);
      expect(google.items.map((item) => item.clientId)).toEqual(['flaky-0001', 'flaky-0002']);
      expect(search.items.map((item) => item.clientId)).toEqual(['dead-0001', 'dead-0002', 'dead-0003']);
    });

    it.each([
      ['garbage', 'not-a-cursor'],
      ['a tampered cursor', Buffer.from("f1:3:0:' OR 1=1 --").toString('base64url')],
    ])('refuses %s as cursor with a 400 problem naming cursor', async (_name, cursor) => {
      const { error, response } = await rest.GET('/api/v1/connections', { params: { query: { cursor } } });

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe(PROBLEM);
      expect(error).toEqual({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        code: 'BAD_USER_INPUT',
        field: 'cursor',
        detail: 'cursor is not a cursor returned by this API',
      });
    });

    it.each([0, -1, 101])('refuses limit = %d with a 400 problem naming limit', async (limit) => {
      const { error } = await rest.GET('/api/v1/connections', { params: { query: { limit } } });

      expect(error).toMatchObject({ status: 400, code: 'BAD_USER_INPUT', field: 'limit', detail: 'limit must be between 1 and 100' });
    });

    // Values and parameters the document does not allow, so they are sent around the typed client.
    it.each([
      ['an unknown parameter', 'colour=red', 'colour', 'colour is not a known query parameter'],
      ['a limit that is no number', 'limit=ten', 'limit', 'limit must be an integer'],
      ['an unknown status', 'status=broken', 'status', 'status must be one of healthy, expiring, refresh_failed, invalid'],
      ['a provider given twice', 'provider=zoho&provider=google', 'provider', 'provider must be given once'],
    ])('refuses %s with a 400 problem naming it, in one line', async (_name, query, field, detail) => {
      const response = await sendUnchecked(app.baseUrl, 'GET', '/api/v1/connections', `/api/v1/connections?${query}`);
      const text = await response.text();

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe(PROBLEM);
      expect(JSON.parse(text)).toMatchObject({ code: 'BAD_USER_INPUT', field, detail });
      expect(text).not.toMatch(/\n|at .*\.(js|ts):\d+/);
    });

    it.each([
      ['no credential', null],
      ['a wrong token', 'wrong-token-wrong-token'],
    ])('answers 401 problem+json with WWW-Authenticate and no data for %s', async (_name, token) => {
      await seedFleet(app, { count: 1 });

      const { error, response } = await restClient(app.baseUrl, token).GET('/api/v1/connections');

      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe(PROBLEM);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(error).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      expect(JSON.stringify(error)).not.toContain('tenant-0001');
    });
  });

  describe('GET /api/v1/connections/{clientId} and /{clientId}/{provider}', () => {
    it("answers every provider of one client, and one connection's report", async () => {
      await seedFleet(app, { prefix: 'acme', count: 1, provider: 'zoho' });
      await seedFleet(app, { prefix: 'acme', count: 1, provider: 'google', status: TokenStatus.Invalid });

      const client = await rest.GET('/api/v1/connections/{clientId}', { params: { path: { clientId: 'acme-0001' } } });
      const one = await rest.GET('/api/v1/connections/{clientId}/{provider}', { params: { path: { clientId: 'acme-0001', provider: 'google' } } });
      const none = await rest.GET('/api/v1/connections/{clientId}', { params: { path: { clientId: 'nobody' } } });

      expect(client.data!.map((report) => [report.provider, report.status]).sort()).toEqual([
        ['google', 'invalid'],
        ['zoho', 'healthy'],
      ]);
      expect(one.data).toMatchObject({ clientId: 'acme-0001', provider: 'google', status: 'invalid', error: 'seeded invalid' });
      expect(none.data).toEqual([]);
    });

    it('answers 404 problem+json for an unknown connection', async () => {
      const { error, response } = await rest.GET('/api/v1/connections/{clientId}/{provider}', {
        params: { path: { clientId: 'nobody', provider: 'zoho' } },
      });

      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe(PROBLEM);
      expect(error).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, code: 'NOT_FOUND', detail: 'No such connection' });
    });

    it('refuses a clientId or provider with an invisible character with a 400 problem naming it', async () => {
      const client = await rest.GET('/api/v1/connections/{clientId}', { params: { path: { clientId: 'ac\u200bme' } } });
      const one = await rest.GET('/api/v1/connections/{clientId}/{provider}', { params: { path: { clientId: 'acme', provider: 'zo\u202eho' } } });

      expect(client.error).toMatchObject({ status: 400, code: 'BAD_USER_INPUT', field: 'clientId' });
      expect(one.error).toMatchObject({ status: 400, code: 'BAD_USER_INPUT', field: 'provider' });
    });
  });

  describe('POST /api/v1/connections', () => {
    it('registers a token set after verifying it and answers 201 with the report, never the token', async () => {
      const { data, response } = await register('imported');

      expect(response.status).toBe(201);
      expect(data).toMatchObject({ clientId: 'imported', provider: 'zoho', status: 'healthy', error: null });
      expect(JSON.stringify(data)).not.toContain('1000.refresh');
      expect(zoho.refreshCount()).toBe(1);
    });

    it.each([
      ['an unknown field', { colour: 'red' }, 'colour'],
      ['no refreshToken', { refreshToken: undefined }, 'refreshToken'],
      ['an unknown provider', { provider: 'myspace' }, 'provider'],
      ['a date that is not RFC 3339', { accessTokenExpiresAt: 'tomorrow' }, 'accessTokenExpiresAt'],
      ['a date beyond year 9999', { accessTokenExpiresAt: '+099999-01-01T00:00:00Z' }, 'accessTokenExpiresAt'],
      ['a number as accessToken', { accessToken: 42 }, 'accessToken'],
    ])('refuses %s with a 400 problem naming the field and stores nothing', async (_name, overrides, field) => {
      const body = { clientId: 'bad', provider: 'zoho', refreshToken: '1000.refresh.never-stored', ...overrides };

      const { error, response } = await rest.POST('/api/v1/connections', { body: body as never });

      expect(response.status).toBe(400);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(await app.dataSource.query('SELECT 1 FROM oauth_tokens')).toEqual([]);
    });
  });

  it.each([
    ['JSON that does not parse', 'application/json', '{"clientId": "acme", "refreshToken": 1000.refresh-never-echoed', 400],
    ['a body above the size limit', 'application/json', `{"clientId": "${'x'.repeat(200_000)}"}`, 413],
  ])('answers %s with a problem+json that quotes nothing of it', async (_name, type, body, status) => {
    const response = await fetch(`${app.baseUrl}/api/v1/connections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': type },
      body,
    });
    const text = await response.text();

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe(PROBLEM);
    expect(JSON.parse(text)).toMatchObject({ status, code: 'BAD_REQUEST' });
    expect(text).not.toMatch(/refresh|xxxx/);
  });

  describe('history, check and connect-link', () => {
    it('checks one connection now, answering its fresh report, and records the transition in its history', async () => {
      const refreshToken = secretScan.secret('1000.refresh.checked-over-rest');
      await register('checked', refreshToken);
      await app.dataSource.query(
        "UPDATE oauth_tokens SET token_expiry = now() - interval '1 minute', last_health_check = NULL, last_refreshed_at = NULL, last_refresh_attempt_at = NULL",
      );
      zoho.whenRefreshing(refreshToken, { status: 200, body: { error: 'invalid_code' } });
      const path = { clientId: 'checked', provider: 'zoho' };

      const checked = await rest.POST('/api/v1/connections/{clientId}/{provider}/check', { params: { path } });
      const history = await rest.GET('/api/v1/connections/{clientId}/{provider}/history', { params: { path, query: { limit: 10 } } });
      const latest = await rest.GET('/api/v1/connections/{clientId}/{provider}/history', { params: { path, query: { limit: 1 } } });

      expect(checked.response.status).toBe(200);
      expect(checked.data).toMatchObject({ clientId: 'checked', status: 'invalid', error: expect.stringContaining('invalid_code') });
      expect(history.data).toEqual([
        { at: expect.any(String), fromStatus: 'healthy', toStatus: 'invalid', error: expect.stringContaining('invalid_code'), source: 'check' },
        { at: expect.any(String), fromStatus: null, toStatus: 'healthy', error: null, source: 'register' },
      ]);
      expect(latest.data).toHaveLength(1);
    });

    it('answers 404 for a check of an unknown connection, calling no provider', async () => {
      const { error } = await rest.POST('/api/v1/connections/{clientId}/{provider}/check', {
        params: { path: { clientId: 'nobody', provider: 'zoho' } },
      });

      expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      expect(zoho.refreshCount()).toBe(0);
    });

    it('refuses a history limit above its bound with a 400 problem naming limit', async () => {
      const { error } = await rest.GET('/api/v1/connections/{clientId}/{provider}/history', {
        params: { path: { clientId: 'acme', provider: 'zoho' }, query: { limit: 10_000 } },
      });

      expect(error).toMatchObject({ status: 400, field: 'limit', detail: 'limit must be between 1 and 500' });
    });

    it('answers a signed connect link for a known provider, and a 400 naming provider for an unknown one', async () => {
      const link = await rest.POST('/api/v1/connections/{clientId}/{provider}/connect-link', {
        params: { path: { clientId: 'acme', provider: 'zoho' } },
      });
      const unknown = await rest.POST('/api/v1/connections/{clientId}/{provider}/connect-link', {
        params: { path: { clientId: 'acme', provider: 'myspace' } },
      });

      expect(link.data!.url).toMatch(/\/oauth\/zoho\/connect\?link=[^&]+$/);
      expect(unknown.error).toMatchObject({ status: 400, code: 'BAD_USER_INPUT', field: 'provider' });
    });

    it('refuses a body the route does not take with a 400 naming its field', async () => {
      const checks = await sendUnchecked(app.baseUrl, 'POST', '/api/v1/checks', '/api/v1/checks', { clientId: 'acme' });
      const check = await sendUnchecked(app.baseUrl, 'POST', '/api/v1/connections/{clientId}/{provider}/check', '/api/v1/connections/a/zoho/check', {
        force: true,
      });

      expect(checks.status).toBe(400);
      expect(await checks.json()).toMatchObject({ code: 'BAD_USER_INPUT', field: 'clientId', detail: 'clientId is not a known body field' });
      expect(await check.json()).toMatchObject({ code: 'BAD_USER_INPUT', field: 'force' });
    });
  });

  describe('GET /api/v1/summary and POST /api/v1/checks', () => {
    it('counts every status (zeros included) and every provider', async () => {
      await seedFleet(app, { prefix: 'z', count: 3, provider: 'zoho' });
      await seedFleet(app, { prefix: 'g', count: 2, provider: 'google', status: TokenStatus.Invalid });
      await app.get(TokenCountsCache).refresh();

      const { data } = await rest.GET('/api/v1/summary');

      expect(data).toEqual({
        total: 5,
        byStatus: [
          { status: 'healthy', count: 3 },
          { status: 'expiring', count: 0 },
          { status: 'refresh_failed', count: 0 },
          { status: 'invalid', count: 2 },
        ],
        byProvider: [
          { provider: 'google', status: 'invalid', count: 2 },
          { provider: 'zoho', status: 'healthy', count: 3 },
        ],
        lastCycle: null,
        outages: [],
        alertChannels: [],
        unhealthy: 2,
        throttling: [],
      });
    });

    it('runs one full cycle and answers its summary, which the next summary shows as the last cycle', async () => {
      await register('cycled');
      await app.dataSource.query(
        "UPDATE oauth_tokens SET token_expiry = now() - interval '1 minute', last_health_check = NULL, last_refreshed_at = NULL, last_refresh_attempt_at = NULL",
      );

      const { data, response } = await rest.POST('/api/v1/checks');
      const summary = await rest.GET('/api/v1/summary');

      expect(response.status).toBe(200);
      expect(data).toEqual({ startedAt: expect.any(String), finishedAt: expect.any(String), checked: 1, refreshed: 1, failed: 0 });
      expect(summary.data!.lastCycle).toEqual(data);
    });
  });

  describe('GET, POST /api/v1/api-keys and DELETE /api/v1/api-keys/{id}', () => {
    it('creates a key shown once, lists it without its secret, and revokes it so it is refused at once', async () => {
      const created = await rest.POST('/api/v1/api-keys', { body: { name: 'dashboard', scopes: ['read'] } });
      const key = secretScan.shownOnce(created.data!.key, 'REST-created API key');
      const listed = await rest.GET('/api/v1/api-keys');
      const asKey = restClient(app.baseUrl, key);
      const before = await asKey.GET('/api/v1/summary');
      const revoked = await rest.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: created.data!.apiKey.id } } });
      const after = await asKey.GET('/api/v1/summary');

      expect(created.response.status).toBe(201);
      expect(created.data!.apiKey).toMatchObject({ name: 'dashboard', scopes: ['read'], lastUsedAt: null, expiresAt: null });
      expect(listed.data).toEqual([expect.objectContaining({ id: created.data!.apiKey.id, name: 'dashboard' })]);
      expect(JSON.stringify(listed.data)).not.toContain(key);
      expect(before.response.status).toBe(200);
      expect(revoked.response.status).toBe(204);
      expect(after.response.status).toBe(401);
    });

    it('names the field of a bad scope (400) and answers 404 for a key that does not exist', async () => {
      const bad = await rest.POST('/api/v1/api-keys', { body: { name: 'x', scopes: ['everything' as 'read'] } });
      const missing = await rest.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: '0000000000' } } });

      expect(bad.response.status).toBe(400);
      expect(bad.error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'scopes' });
      expect(missing.response.status).toBe(404);
      expect(missing.error).toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('without a valid credential', () => {
    const path = { clientId: 'acme', provider: 'zoho' };
    const anonymous = () => restClient(app.baseUrl, null);
    it.each([
      ['GET /connections', () => anonymous().GET('/api/v1/connections')],
      ['GET /connections/{clientId}', () => anonymous().GET('/api/v1/connections/{clientId}', { params: { path } })],
      ['GET /connections/{clientId}/{provider}', () => anonymous().GET('/api/v1/connections/{clientId}/{provider}', { params: { path } })],
      ['GET …/history', () => anonymous().GET('/api/v1/connections/{clientId}/{provider}/history', { params: { path } })],
      [
        'POST /connections',
        () => anonymous().POST('/api/v1/connections', { body: { clientId: 'acme', provider: 'zoho', refreshToken: '1000.refresh.anonymous' } }),
      ],
      ['POST …/check', () => anonymous().POST('/api/v1/connections/{clientId}/{provider}/check', { params: { path } })],
      ['POST …/connect-link', () => anonymous().POST('/api/v1/connections/{clientId}/{provider}/connect-link', { params: { path } })],
      ['GET /summary', () => anonymous().GET('/api/v1/summary')],
      ['POST /checks', () => anonymous().POST('/api/v1/checks')],
      ['GET /api-keys', () => anonymous().GET('/api/v1/api-keys')],
      ['POST /api-keys', () => anonymous().POST('/api/v1/api-keys', { body: { name: 'anonymous', scopes: ['read'] } })],
      ['DELETE /api-keys/{id}', () => anonymous().DELETE('/api/v1/api-keys/{id}', { params: { path: { id: '0000000000' } } })],
    ])('%s answers 401 problem+json and does nothing', async (_name, call) => {
      const { error, response } = await call();

      expect(response.status).toBe(401);
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(zoho.refreshCount()).toBe(0);
      expect(await app.dataSource.query('SELECT 1 FROM oauth_tokens')).toEqual([]);
    });
  });

  it('has answered every documented route with its success status and each documented 400, 401 and 404', () => {
    const expected = documentedExchanges().filter((exchange) => /(2\d\d|400|401|404)$/.test(exchange));

    expect(expected.filter((exchange) => !exercised.has(exchange))).toEqual([]);
  });
});
