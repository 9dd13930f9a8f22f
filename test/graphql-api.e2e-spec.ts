import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { OAuthTokenRepository } from '../src/oauth/oauth-token.repository';
import { TokenStatus } from '../src/oauth/token-status';
import { TokenHealthResolver } from '../src/token-health/token-health.resolver';
import { findToken, readToken, seedToken } from './factories/token.factory';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TEST_ADMIN_TOKEN, TEST_CLIENT_SECRET, TestApp } from './support/test-app';
import { useSecretScan } from './support/secret-scan';
import { httpServer } from './factories/http-server';

const scan = useSecretScan();

const PUBLIC_BASE_URL = 'https://token-health.example.test';
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const REPORT_FIELDS = 'clientId provider status lastRefresh lastHealthCheck accessTokenExpiresAt error';

/** A host app's own guard: lets through requests that carry `x-test-user: ok`. */
@Injectable()
class AllowHeaderGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { req } = GqlExecutionContext.create(context).getContext();
    if (req.headers['x-test-user'] !== 'ok') throw new UnauthorizedException('x-test-user is required');
    return true;
  }
}

interface GraphqlResponse<TData = unknown> {
  status: number;
  headers: Record<string, string>;
  text: string;
  body: { data?: TData | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

/** A TokenHealthReport as the API answers it (REPORT_FIELDS). */
interface Report {
  clientId: string;
  provider: string;
  status: string;
  lastRefresh: string | null;
  lastHealthCheck: string | null;
  accessTokenExpiresAt: string | null;
  error: string | null;
}

async function graphql<TData = unknown>(
  app: TestApp,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
): Promise<GraphqlResponse<TData>> {
  const response = await request(httpServer(app)).post('/graphql').set(headers).send({ query, variables });
  return { status: response.status, headers: response.headers, text: response.text, body: response.body as GraphqlResponse<TData>['body'] };
}

const errorCode = (response: GraphqlResponse) => response.body.errors?.[0]?.extensions?.code;

const TOKEN_HEALTH = `query($clientId: String!) { tokenHealth(clientId: $clientId) { ${REPORT_FIELDS} } }`;
const CHECK_TOKEN_HEALTH = `mutation($clientId: String) { checkTokenHealth(clientId: $clientId) { ${REPORT_FIELDS} } }`;
const REGISTER = `mutation($input: RegisterOAuthTokenInput!) { registerOAuthToken(input: $input) { ${REPORT_FIELDS} } }`;
const CREATE_CONNECT_LINK = 'mutation($clientId: String!, $provider: String!) { createConnectLink(clientId: $clientId, provider: $provider) }';

/**
 * The red team's request: ~2 KB of introspection in which each fragment
 * selects the next under several aliases, so the answer grows as 4^depth.
 */
const AMPLIFYING_INTROSPECTION = (() => {
  const depth = 12;
  const fragments = Array.from({ length: depth }, (_, level) => {
    const next = level + 1 < depth ? `{ ...T${level + 1} }` : '{ name }';
    return `fragment T${level} on __Type { name kind a: fields { type ${next} } b: fields { type ${next} } c: inputFields { type ${next} } d: interfaces ${next} }`;
  });
  return `query Amplify { __schema { types { ...T0 } queryType { ...T0 } mutationType { ...T0 } } }\n${fragments.join('\n')}`;
})();

/** Allowed fields only, each fragment aliasing the next several times: small on the wire, thousands of fields once expanded. */
const FRAGMENT_AMPLIFIED_QUERY = [
  '{ ...Q }',
  'fragment Q on Query { ' + Array.from({ length: 40 }, (_, i) => `q${i}: tokenHealth(clientId: "acme") { ...R }`).join(' ') + ' }',
  'fragment R on TokenHealthReport { ...S ' + Array.from({ length: 10 }, (_, i) => `r${i}: clientId`).join(' ') + ' }',
  'fragment S on TokenHealthReport { ' + Array.from({ length: 20 }, (_, i) => `s${i}: status`).join(' ') + ' }',
].join('\n');

const OPERATIONS: [string, string, Record<string, unknown>][] = [
  ['tokenHealth', TOKEN_HEALTH, { clientId: 'acme' }],
  ['checkTokenHealth', CHECK_TOKEN_HEALTH, { clientId: null }],
  ['registerOAuthToken', REGISTER, { input: { clientId: 'acme', provider: 'zoho', refreshToken: '1000.refresh.unauthorised' } }],
  ['createConnectLink', CREATE_CONNECT_LINK, { clientId: 'acme', provider: 'zoho' }],
];

describe(TokenHealthResolver.name, () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    app = await startTestApp({
      DATABASE_URL: database.url,
      PUBLIC_BASE_URL,
      ZOHO_ACCOUNTS_URL: zoho.url,
      TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1',
    });
  });

  beforeEach(async () => {
    zoho.reset();
    await app.dataSource.query('TRUNCATE oauth_tokens, alert_outbox');
  });

  afterAll(async () => {
    await app?.close();
    await zoho?.close();
    await database?.drop();
  });

  describe('tokenHealth', () => {
    it("returns the client's stored reports, one per provider, without calling the provider", async () => {
      await seedToken(app, { clientId: 'acme', provider: 'zoho', status: TokenStatus.Invalid, expiresInMinutes: -5, lastRefreshedMinutesAgo: 90 });
      await seedToken(app, { clientId: 'acme', provider: 'other-crm', expiresInMinutes: 240 });
      await seedToken(app, { clientId: 'someone-else' });

      const response = await graphql<{ tokenHealth: Report[] }>(app, TOKEN_HEALTH, { clientId: 'acme' });

      expect(response.body.errors).toBeUndefined();
      const reports = response.body.data!.tokenHealth;
      expect(reports.map((r) => [r.provider, r.status])).toEqual([
        ['other-crm', 'HEALTHY'],
        ['zoho', 'INVALID'],
      ]);
      expect(reports[1]).toMatchObject({ clientId: 'acme', lastHealthCheck: null, error: null });
      expect(reports[1].lastRefresh).toMatch(ISO_DATE_TIME);
      expect(reports[1].accessTokenExpiresAt).toMatch(ISO_DATE_TIME);
      expect(zoho.requests).toHaveLength(0);
    });

    it('returns an empty list for a client without tokens', async () => {
      const response = await graphql(app, TOKEN_HEALTH, { clientId: 'nobody' });

      expect(response.body).toEqual({ data: { tokenHealth: [] } });
    });
  });

  describe('checkTokenHealth', () => {
    it('checks one client now and returns its fresh reports', async () => {
      const dead = await seedToken(app, { clientId: 'acme', expiresInMinutes: 5 });
      await seedToken(app, { clientId: 'untouched', expiresInMinutes: 5 });
      zoho.whenRefreshing(dead.refreshToken!, { status: 200, body: { error: 'invalid_code' } });

      const response = await graphql<{ checkTokenHealth: Report[] }>(app, CHECK_TOKEN_HEALTH, { clientId: 'acme' });

      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.checkTokenHealth).toEqual([
        expect.objectContaining({ clientId: 'acme', provider: 'zoho', status: 'INVALID', error: expect.stringContaining('invalid_code') }),
      ]);
      expect(response.body.data!.checkTokenHealth[0].lastHealthCheck).toMatch(ISO_DATE_TIME);
      expect(zoho.refreshCount()).toBe(1);
    });

    it('checks every client when clientId is omitted', async () => {
      await seedToken(app, { clientId: 'acme', expiresInMinutes: 5 });
      await seedToken(app, { clientId: 'globex', expiresInMinutes: 5 });

      const response = await graphql<{ checkTokenHealth: Report[] }>(app, 'mutation { checkTokenHealth { clientId status lastRefresh } }');

      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.checkTokenHealth).toEqual([
        { clientId: 'acme', status: 'HEALTHY', lastRefresh: expect.stringMatching(ISO_DATE_TIME) },
        { clientId: 'globex', status: 'HEALTHY', lastRefresh: expect.stringMatching(ISO_DATE_TIME) },
      ]);
      expect(zoho.refreshCount()).toBe(2);
    });
  });

  describe('runHealthCheck', () => {
    const completedCycles = async () => {
      const metrics = await request(httpServer(app)).get('/metrics');
      return Number(/^token_health_check_duration_seconds_count (\d+)/m.exec(metrics.text)?.[1] ?? 0);
    };

    it('runs one full cycle now and returns its summary, not the reports', async () => {
      await seedToken(app, { clientId: 'acme', expiresInMinutes: 5 });
      const failing = await seedToken(app, { clientId: 'globex', expiresInMinutes: 5 });
      await seedToken(app, { clientId: 'initech', expiresInMinutes: 240 });
      zoho.whenRefreshing(failing.refreshToken!, { status: 500, body: 'down' });

      const response = await graphql<{
        runHealthCheck: { startedAt: string; finishedAt: string; checked: number; refreshed: number; failed: number };
      }>(app, 'mutation { runHealthCheck { startedAt finishedAt checked refreshed failed } }');

      expect(response.body.errors).toBeUndefined();
      const run = response.body.data!.runHealthCheck;
      expect(run).toEqual({
        startedAt: expect.stringMatching(ISO_DATE_TIME),
        finishedAt: expect.stringMatching(ISO_DATE_TIME),
        checked: 3,
        refreshed: 1,
        failed: 1,
      });
      expect(new Date(run.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(run.startedAt).getTime());
      expect(zoho.refreshCount()).toBe(2);
    });

    it('starts at most one full cycle per operation, however many aliases ask for one (aliased full checks)', async () => {
      await seedToken(app, { clientId: 'acme', expiresInMinutes: 5 });
      const before = await completedCycles();

      const response = await graphql(
        app,
        'mutation { a: runHealthCheck { checked } b: runHealthCheck { checked } c: checkTokenHealth { clientId } d: checkTokenHealth(clientId: null) { clientId } e: runHealthCheck { refreshed } }',
      );

      expect(response.body.errors).toBeUndefined();
      expect(response.body.data).toEqual({
        a: { checked: 1 },
        b: { checked: 1 },
        c: [{ clientId: 'acme' }],
        d: [{ clientId: 'acme' }],
        e: { refreshed: 1 },
      });
      expect(await completedCycles()).toBe(before + 1);
      expect(zoho.refreshCount()).toBe(1);
    });

    it('starts a new cycle for each operation', async () => {
      const before = await completedCycles();

      await graphql(app, 'mutation { runHealthCheck { checked } }');
      await graphql(app, 'mutation { runHealthCheck { checked } }');

      expect(await completedCycles()).toBe(before + 2);
    });

    it('is in the committed schema, with checkTokenHealth for all clients described as deprecated', () => {
      const schema = readFileSync(join(__dirname, '..', 'schema.gql'), 'utf8');

      expect(schema).toMatch(/Deprecated for clientId null[^"]*runHealthCheck[^"]*"""\s*checkTokenHealth\(/);
      expect(schema).toMatch(/runHealthCheck: CheckRun!/);
      expect(schema).toMatch(/type CheckRun \{[^}]*checked: Int![^}]*\}/);
    });
  });

  describe('registerOAuthToken', () => {
    const input = (overrides: Record<string, unknown> = {}) => ({
      clientId: 'acme',
      provider: 'zoho',
      refreshToken: '1000.refresh.imported-first',
      accessToken: '1000.access.imported-first',
      accessTokenExpiresAt: '2030-01-01T00:00:00.000Z',
      accountsServer: 'https://accounts.zoho.eu',
      ...overrides,
    });

    it('stores the token set healthy and returns its report', async () => {
      const response = await graphql<{ registerOAuthToken: Report }>(app, REGISTER, { input: input() });

      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.registerOAuthToken).toMatchObject({
        clientId: 'acme',
        provider: 'zoho',
        status: 'HEALTHY',
        accessTokenExpiresAt: '2030-01-01T00:00:00.000Z',
        lastHealthCheck: expect.stringMatching(ISO_DATE_TIME),
        error: null,
      });
      expect((await readToken(app, 'acme')).accounts_server).toBe('https://accounts.zoho.eu');
    });

    it('replaces the token set of an existing (client, provider) and keeps it encrypted', async () => {
      await seedToken(app, { clientId: 'acme', status: TokenStatus.Invalid });

      await graphql(app, REGISTER, { input: input() });
      // Without an access token the registration verifies the refresh token at the (fake) accounts server.
      const second = input({ refreshToken: '1000.refresh.imported-second', accessToken: null, accountsServer: null });
      const response = await graphql<{ registerOAuthToken: Report }>(app, REGISTER, { input: second });

      expect(response.body.data!.registerOAuthToken.status).toBe('HEALTHY');
      expect(zoho.refreshCount('1000.refresh.imported-second')).toBe(1);
      const [{ count }] = await app.dataSource.query("SELECT count(*)::int AS count FROM oauth_tokens WHERE client_id = 'acme'");
      expect(count).toBe(1);
      const row = await readToken(app, 'acme');
      expect(row.refresh_token).toMatch(/^v2:/);
      expect(JSON.stringify(row)).not.toContain('imported-second');
      const stored = await app.get(OAuthTokenRepository).findToken('acme', 'zoho');
      expect(stored).toMatchObject({ refreshToken: '1000.refresh.imported-second', accessToken: expect.any(String) });
    });

    it('rejects an accounts server outside the allowlist with BAD_USER_INPUT and stores nothing', async () => {
      const response = await graphql(app, REGISTER, { input: input({ accountsServer: 'https://accounts.evil.example' }) });

      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(response.body.data ?? null).toBeNull();
      expect(await findToken(app, 'acme')).toBeUndefined();
    });

    it('rejects an unknown provider with BAD_USER_INPUT', async () => {
      const response = await graphql(app, REGISTER, { input: input({ provider: 'myspace' }) });

      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(await findToken(app, 'acme', 'myspace')).toBeUndefined();
    });

    it('rejects an empty refresh token with BAD_USER_INPUT', async () => {
      const response = await graphql(app, REGISTER, { input: input({ refreshToken: '' }) });

      expect(errorCode(response)).toBe('BAD_USER_INPUT');
    });
  });

  describe('createConnectLink', () => {
    it('returns an absolute connect URL under PUBLIC_BASE_URL', async () => {
      const response = await graphql<{ createConnectLink: string }>(app, CREATE_CONNECT_LINK, { clientId: 'acme', provider: 'zoho' });

      expect(response.body.errors).toBeUndefined();
      const link = new URL(response.body.data!.createConnectLink);
      expect(`${link.origin}${link.pathname}`).toBe(`${PUBLIC_BASE_URL}/oauth/zoho/connect`);
      expect(link.searchParams.get('link')).toBeTruthy();
    });

    it('rejects an unknown provider with BAD_USER_INPUT', async () => {
      const response = await graphql(app, CREATE_CONNECT_LINK, { clientId: 'acme', provider: 'myspace' });

      expect(errorCode(response)).toBe('BAD_USER_INPUT');
    });
  });

  describe('authentication', () => {
    const expectUnauthenticated = (response: GraphqlResponse) => {
      expect(response.status).toBe(401);
      expect(errorCode(response)).toBe('UNAUTHENTICATED');
      expect(response.body.data ?? null).toBeNull();
    };

    it.each(OPERATIONS)('refuses %s without a token', async (_name, query, variables) => {
      expectUnauthenticated(await graphql(app, query, variables, {}));
    });

    it.each(OPERATIONS)('refuses %s with a wrong token', async (_name, query, variables) => {
      expectUnauthenticated(await graphql(app, query, variables, { authorization: `Bearer ${TEST_ADMIN_TOKEN}x` }));
    });

    it('refuses a token sent with another scheme', async () => {
      expectUnauthenticated(await graphql(app, TOKEN_HEALTH, { clientId: 'acme' }, { authorization: `Basic ${TEST_ADMIN_TOKEN}` }));
    });

    it('does not run a mutation it refused', async () => {
      await graphql(app, REGISTER, { input: { clientId: 'acme', provider: 'zoho', refreshToken: 'r' } }, {});

      expect(await findToken(app, 'acme')).toBeUndefined();
    });

    it('answers HTTP 401 to an unauthenticated /graphql request without parsing it (even an unparseable one)', async () => {
      const response = await graphql(app, '{ this is { not graphql', {}, {});

      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.text).not.toMatch(/syntax/i);
    });

    it('sends no X-Powered-By header', async () => {
      const responses = [
        await graphql(app, TOKEN_HEALTH, { clientId: 'acme' }),
        await graphql(app, TOKEN_HEALTH, { clientId: 'acme' }, {}),
        await request(httpServer(app)).get('/health/live'),
      ];

      for (const response of responses) expect(response.headers['x-powered-by']).toBeUndefined();
    });
  });

  describe('unauthenticated GraphQL work', () => {
    it('answers the amplifying introspection attack without a token with a quick, small 401', async () => {
      expect(AMPLIFYING_INTROSPECTION.length).toBeGreaterThan(1500);
      expect(AMPLIFYING_INTROSPECTION.length).toBeLessThan(2500);

      const response = await graphql(app, AMPLIFYING_INTROSPECTION, {}, {});

      expect(response.status).toBe(401);
      expect(response.text.length).toBeLessThan(200);
      expect(response.text).not.toContain('__Type');
    });

    it('rejects the same attack with a token while introspection is off, before executing it', async () => {
      const response = await graphql(app, AMPLIFYING_INTROSPECTION);

      expect(response.status).toBe(400);
      expect(response.body.data).toBeUndefined();
      expect(response.body.errors!.map((error) => error.message)).toContainEqual(expect.stringMatching(/introspection is not allowed/i));
      expect(response.text.length).toBeLessThan(5_000);
    });

    it('rejects a query whose fragments expand past the cost limit (aliases in chained fragments counted)', async () => {
      const response = await graphql(app, FRAGMENT_AMPLIFIED_QUERY);

      expect(response.status).toBe(400);
      expect(response.body.data).toBeUndefined();
      expect(response.body.errors![0].message).toMatch(/cost .* exceeds the limit/i);
    });

    it('runs a query with fragments under the cost limit', async () => {
      const response = await graphql(
        app,
        '{ ...Q } fragment Q on Query { a: tokenHealth(clientId: "acme") { ...R } b: tokenHealth(clientId: "acme") { ...R } } fragment R on TokenHealthReport { clientId status }',
      );

      expect(response.body).toEqual({ data: { a: [], b: [] } });
    });

    it('suggests no field names ("Did you mean …")', async () => {
      const response = await graphql(app, '{ tokenHelth(clientId: "acme") { status } }');

      expect(response.status).toBe(400);
      expect(response.text).not.toMatch(/did you mean/i);
      expect(response.text).not.toContain('tokenHealth');
    });
  });

  describe('input validation', () => {
    it.each([
      ['an empty', ''],
      ['a blank', '   '],
      ['a 10 000-character', 'x'.repeat(10_000)],
    ])('rejects %s clientId with BAD_USER_INPUT', async (_name, clientId) => {
      for (const query of [TOKEN_HEALTH, CHECK_TOKEN_HEALTH]) {
        const response = await graphql(app, query, { clientId });

        expect(response.status).toBeLessThan(500);
        expect(errorCode(response)).toBe('BAD_USER_INPUT');
        expect(response.body.data ?? null).toBeNull();
        expect(response.text).not.toContain('x'.repeat(300));
      }
    });

    it.each([
      ['a NUL byte', 'ac\u0000me'],
      ['a control character', 'acme\u001b[31m'],
      ['a lone surrogate', 'acme\ud800'],
      ['a leading space', ' acme'],
      ['a trailing space', 'acme '],
    ])('rejects a clientId or provider with %s with BAD_USER_INPUT and stores nothing (inputs)', async (_name, value) => {
      const responses = [
        await graphql(app, TOKEN_HEALTH, { clientId: value }),
        await graphql(app, CHECK_TOKEN_HEALTH, { clientId: value }),
        await graphql(app, REGISTER, { input: { clientId: value, provider: 'zoho', refreshToken: '1000.refresh.x' } }),
        await graphql(app, REGISTER, { input: { clientId: 'acme', provider: value, refreshToken: '1000.refresh.x' } }),
        await graphql(app, CREATE_CONNECT_LINK, { clientId: value, provider: 'zoho' }),
      ];

      for (const response of responses) {
        expect(response.status).toBeLessThan(500);
        expect(errorCode(response)).toBe('BAD_USER_INPUT');
      }
      const [{ count }] = await app.dataSource.query('SELECT count(*)::int AS count FROM oauth_tokens');
      expect(count).toBe(0);
    });

    it.each(['99999-01-01T00:00:00Z', '+099999-01-01T00:00:00Z', '0000-01-01T00:00:00Z'])(
      'rejects accessTokenExpiresAt %s with BAD_USER_INPUT, not a 500 (inputs)',
      async (accessTokenExpiresAt) => {
        const response = await graphql(app, REGISTER, {
          input: { clientId: 'acme', provider: 'zoho', refreshToken: '1000.refresh.x', accessToken: '1000.access.x', accessTokenExpiresAt },
        });

        expect(response.status).toBeLessThan(500);
        expect(errorCode(response)).toBe('BAD_USER_INPUT');
        expect(await findToken(app, 'acme')).toBeUndefined();
      },
    );

    it('rejects a variable of the wrong type with BAD_USER_INPUT', async () => {
      const response = await graphql(app, TOKEN_HEALTH, { clientId: 42 });

      expect(errorCode(response)).toBe('BAD_USER_INPUT');
    });

    it('rejects a deeply nested query before running it', async () => {
      const nested = 'ofType { '.repeat(12) + 'name' + ' }'.repeat(12);
      const response = await graphql(app, `{ __schema { types { fields { type { ${nested} } } } } }`);

      expect(response.status).toBe(400);
      expect(response.body.data).toBeUndefined();
      expect(response.body.errors!.map((error) => error.message)).toContainEqual(expect.stringMatching(/deeper than/));
    });

    it('rejects a query that selects too many fields', async () => {
      const aliases = Array.from({ length: 600 }, (_, i) => `a${i}: tokenHealth(clientId: "acme") { status }`).join('\n');
      const response = await graphql(app, `{ ${aliases} }`);

      expect(response.status).toBe(400);
      expect(response.body.data).toBeUndefined();
      expect(response.body.errors!.map((error) => error.message)).toContainEqual(expect.stringMatching(/more than \d+ fields/));
    });

    it('answers a query that fails validation with 400 and without internals', async () => {
      const response = await graphql(app, '{ tokenHealth(clientId: "acme") { nope } }');

      expect(response.status).toBe(400);
      expect(response.text).not.toMatch(/stacktrace|\/src\/|node_modules/);
    });

    it('answers a resolver that fails unexpectedly with a generic INTERNAL_SERVER_ERROR, no message or stack of the cause', async () => {
      // A real failure inside the resolver's call: the query the repository sends names a column that is gone.
      await app.dataSource.query('ALTER TABLE oauth_tokens RENAME COLUMN health_check_error TO health_check_error_moved');
      let response: GraphqlResponse;
      try {
        response = await graphql(app, TOKEN_HEALTH, { clientId: 'acme' });
      } finally {
        await app.dataSource.query('ALTER TABLE oauth_tokens RENAME COLUMN health_check_error_moved TO health_check_error');
      }

      expect(response.body.data ?? null).toBeNull();
      expect(response.body.errors).toEqual([
        expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
      ]);
      expect(response.text).not.toMatch(/health_check_error|oauth_tokens|QueryFailed|stacktrace|\bat \S+ \(|\.ts:\d+|node_modules/);
    });
  });

  describe('secrets', () => {
    it('never shows a stored token or the client secret in any response', async () => {
      const leaky = await seedToken(app, { clientId: 'acme', accessToken: '1000.access.leaky-value', expiresInMinutes: 5 });
      const secrets = [leaky.refreshToken!, '1000.access.leaky-value', TEST_CLIENT_SECRET, '1000.refresh.registered-secret'];
      // A provider that echoes what it received must not make the error text a leak.
      zoho.whenRefreshing(leaky.refreshToken!, {
        status: 400,
        body: { error: 'invalid_client', error_description: `bad client_secret=${TEST_CLIENT_SECRET} for refresh_token=${leaky.refreshToken}` },
      });

      const responses = [
        await graphql<{ checkTokenHealth: Report[] }>(app, CHECK_TOKEN_HEALTH, { clientId: 'acme' }),
        await graphql(app, TOKEN_HEALTH, { clientId: 'acme' }),
        await graphql(app, REGISTER, { input: { clientId: 'acme', provider: 'zoho', refreshToken: '1000.refresh.registered-secret' } }),
        await graphql(app, REGISTER, {
          input: { clientId: 'acme', provider: 'zoho', refreshToken: '1000.refresh.registered-secret', accountsServer: 'https://evil.example' },
        }),
        await graphql(app, REGISTER, { input: { clientId: 'acme', provider: 'zoho', refreshToken: '1000.refresh.registered-secret'.repeat(200) } }),
        await graphql(app, CREATE_CONNECT_LINK, { clientId: 'acme', provider: 'zoho' }),
      ] as const;

      expect(responses[0].body.data!.checkTokenHealth[0].status).toBe('REFRESH_FAILED');
      for (const response of responses) {
        for (const secret of secrets) expect(response.text).not.toContain(secret);
      }
      secrets.forEach((secret) => scan.secret(secret));
      await scan.expectNoLeaks();
    });
  });
});

describe('TokenHealthModule.forRoot({ guard })', () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ DATABASE_URL: database.url }, { guard: AllowHeaderGuard });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it("lets the host's guard admit a request", async () => {
    const response = await graphql(app, TOKEN_HEALTH, { clientId: 'acme' }, { 'x-test-user': 'ok' });

    expect(response.body).toEqual({ data: { tokenHealth: [] } });
  });

  it("refuses what the host's guard refuses, even with the admin bearer token, with HTTP 401 before parsing", async () => {
    const response = await graphql(app, TOKEN_HEALTH, { clientId: 'acme' });

    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
    expect(response.body.data ?? null).toBeNull();
  });

  it("asks the host's guard before parsing, with the request in the GraphQL context", async () => {
    const response = await graphql(app, '{ this is { not graphql', {}, {});

    expect(response.status).toBe(401);
    expect((await graphql(app, '{ this is { not graphql', {}, { 'x-test-user': 'ok' })).status).toBe(400);
  });
});

describe('GRAPHQL_INTROSPECTION', () => {
  const INTROSPECTION = '{ __schema { queryType { name } } }';
  let database: TestDatabase;
  let byDefault: TestApp;
  let development: TestApp;
  let enabled: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    byDefault = await startTestApp({ DATABASE_URL: database.url, NODE_ENV: 'production' });
    development = await startTestApp({ DATABASE_URL: database.url, NODE_ENV: 'development' });
    enabled = await startTestApp({ DATABASE_URL: database.url, GRAPHQL_INTROSPECTION: 'true' });
  });

  afterAll(async () => {
    await byDefault?.close();
    await development?.close();
    await enabled?.close();
    await database?.drop();
  });

  it.each([
    ['in production', () => byDefault],
    ['outside production too', () => development],
  ])('keeps introspection off by default %s', async (_name, app) => {
    const response = await graphql(app(), INTROSPECTION);

    expect(response.body.data ?? null).toBeNull();
    expect(response.body.errors![0].message).toMatch(/introspection is not allowed/i);
  });

  it('turns introspection on for an authenticated caller with GRAPHQL_INTROSPECTION=true', async () => {
    const response = await graphql(enabled, INTROSPECTION);

    expect(response.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('still refuses introspection without a token with GRAPHQL_INTROSPECTION=true', async () => {
    const response = await graphql(enabled, INTROSPECTION, {}, {});

    expect(response.status).toBe(401);
    expect(response.body.data ?? null).toBeNull();
  });

  it('still applies the cost limit to introspection with GRAPHQL_INTROSPECTION=true', async () => {
    const response = await graphql(enabled, AMPLIFYING_INTROSPECTION);

    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors![0].message).toMatch(/cost .* exceeds the limit/i);
  });

  it('serves no landing page', async () => {
    const response = await request(httpServer(byDefault)).get('/graphql').set('accept', 'text/html');

    expect(response.headers['content-type']).not.toMatch(/text\/html/);
    expect(response.text).not.toMatch(/<html/i);
  });
});
