import request from 'supertest';
import { OAuthTokenService } from '../src/oauth/oauth-token.service';
import { TokenStatus } from '../src/oauth/token-status';
import { seedToken } from './factories/token.factory';
import { FleetResolver } from '../src/token-health/fleet.resolver';
import { TokenCountsCache } from '../src/token-health/token-counts.cache';
import { TokenCountsService } from '../src/token-health/token-counts.service';
import { TokenHistoryPruner } from '../src/token-history/token-history.pruner';
import { seedFleet } from './factories/fleet.factory';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';
import { useSecretScan } from './support/secret-scan';
import { httpServer } from './factories/http-server';

useSecretScan();

interface GraphqlBody<TData> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

interface TokenPage {
  edges: { cursor: string; node: { clientId: string; provider: string; status: string; lastHealthCheck: string | null; error: string | null } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

interface HistoryEvent {
  at: string;
  fromStatus: string | null;
  toStatus: string;
  error: string | null;
  source: string;
}

const TOKENS = `query($filter: TokenFilter, $first: Int, $after: String) {
  tokens(filter: $filter, first: $first, after: $after) {
    edges { cursor node { clientId provider status lastHealthCheck error } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;
const SUMMARY = `{ tokenHealthSummary { total byStatus { status count } byProvider { provider status count } lastCycle { checked } outages { provider } } }`;
const HISTORY = `query($clientId: String!, $provider: String!, $first: Int) {
  tokenHealthHistory(clientId: $clientId, provider: $provider, first: $first) { at fromStatus toStatus error source }
}`;

describe(FleetResolver.name, () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let app: TestApp;

  const graphql = async <TData = unknown>(
    query: string,
    variables: Record<string, unknown> = {},
    token = TEST_ADMIN_TOKEN,
  ): Promise<GraphqlBody<TData>> => {
    const response = await request(httpServer(app))
      .post('/graphql')
      .set({ authorization: `Bearer ${token}` })
      .send({ query, variables });
    return response.body as GraphqlBody<TData>;
  };
  const page = async (variables: Record<string, unknown>) => {
    const body = await graphql<{ tokens: TokenPage }>(TOKENS, variables);
    expect(body.errors).toBeUndefined();
    return body.data!.tokens;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    app = await startTestApp({ DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1' });
  });

  beforeEach(async () => {
    zoho.reset();
    await app.dataSource.query('TRUNCATE oauth_tokens, alert_outbox, token_health_events');
    app.get(TokenCountsService).invalidate(); // summaries serve a snapshot; each test starts without one
  });

  afterAll(async () => {
    await app?.close();
    await zoho?.close();
    await database?.drop();
  });

  describe('tokens', () => {
    it('answers an empty page for an empty fleet', async () => {
      expect(await page({})).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 });
    });

    it('lists unhealthy connections first (invalid, refresh_failed, expiring, healthy), each most recently checked first', async () => {
      await seedFleet(app, { prefix: 'ok', count: 2, status: TokenStatus.Healthy, checkedMinutesAgo: 0 });
      await seedFleet(app, { prefix: 'soon', count: 1, status: TokenStatus.Expiring });
      await seedFleet(app, { prefix: 'dead', count: 2, status: TokenStatus.Invalid, checkedMinutesAgo: 30 });
      await seedFleet(app, { prefix: 'flaky', count: 1, status: TokenStatus.RefreshFailed });

      const { edges } = await page({ first: 10 });

      expect(edges.map((edge) => edge.node.clientId)).toEqual(['dead-0001', 'dead-0002', 'flaky-0001', 'soon-0001', 'ok-0001', 'ok-0002']);
    });

    it('walks the whole fleet page by page without gaps or repeats, the last page saying there is no next', async () => {
      await seedFleet(app, { prefix: 'a', count: 7, status: TokenStatus.Healthy });
      await seedFleet(app, { prefix: 'b', count: 5, status: TokenStatus.Invalid, checkedMinutesAgo: null });

      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const result: TokenPage = await page({ first: 4, after });
        seen.push(...result.edges.map((edge) => edge.node.clientId));
        pages++;
        expect(result.totalCount).toBe(12);
        if (!result.pageInfo.hasNextPage) break;
        after = result.pageInfo.endCursor;
      }

      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(12);
      expect(seen.slice(0, 5).sort()).toEqual(['b-0001', 'b-0002', 'b-0003', 'b-0004', 'b-0005']);
    });

    it('ends with an empty page after the last row', async () => {
      await seedFleet(app, { count: 3 });
      const first = await page({ first: 3 });

      const next = await page({ first: 3, after: first.pageInfo.endCursor });

      expect(first.pageInfo.hasNextPage).toBe(false);
      expect(next).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 3 });
    });

    it('keeps its place when rows before the cursor change status', async () => {
      await seedFleet(app, { count: 6 });
      const first = await page({ first: 3 });
      await app.dataSource.query("UPDATE oauth_tokens SET token_status = 'invalid' WHERE client_id = 'tenant-0001'");

      const second = await page({ first: 3, after: first.pageInfo.endCursor });

      expect(second.edges.map((edge) => edge.node.clientId)).toEqual(['tenant-0004', 'tenant-0005', 'tenant-0006']);
    });

    it('filters by status, totalCount counting the whole filter', async () => {
      await seedFleet(app, { prefix: 'ok', count: 5 });
      await seedFleet(app, { prefix: 'dead', count: 3, status: TokenStatus.Invalid });
      await seedFleet(app, { prefix: 'flaky', count: 2, status: TokenStatus.RefreshFailed });

      const result = await page({ filter: { status: ['INVALID', 'REFRESH_FAILED'] }, first: 2 });

      expect(result.totalCount).toBe(5);
      expect(result.edges.map((edge) => edge.node.status)).toEqual(['INVALID', 'INVALID']);
      const rest = await page({ filter: { status: ['INVALID', 'REFRESH_FAILED'] }, first: 10, after: result.pageInfo.endCursor });
      expect(rest.edges.map((edge) => edge.node.status)).toEqual(['INVALID', 'REFRESH_FAILED', 'REFRESH_FAILED']);
    });

    it('filters by provider', async () => {
      await seedFleet(app, { prefix: 'z', count: 2, provider: 'zoho' });
      await seedFleet(app, { prefix: 'g', count: 3, provider: 'google' });

      const result = await page({ filter: { provider: 'google' } });

      expect(result.totalCount).toBe(3);
      expect(result.edges.every((edge) => edge.node.provider === 'google')).toBe(true);
    });

    it('searches a clientId substring, case-insensitively, taking % and _ literally', async () => {
      await seedFleet(app, { prefix: 'acme-north', count: 2 });
      await seedFleet(app, { prefix: 'globex', count: 2 });
      await seedFleet(app, { prefix: 'ACME_south', count: 1 });

      const found = await page({ filter: { search: 'cme' } });
      const literal = await page({ filter: { search: 'me_sou' } });
      const wildcard = await page({ filter: { search: '%' } });

      expect(found.edges.map((edge) => edge.node.clientId).sort()).toEqual(['ACME_south-0001', 'acme-north-0001', 'acme-north-0002']);
      expect(found.totalCount).toBe(3);
      expect(literal.edges.map((edge) => edge.node.clientId)).toEqual(['ACME_south-0001']);
      expect(wildcard.totalCount).toBe(0);
    });

    it('finds a client as soon as it is stored, and not after its last connection is deleted', async () => {
      await seedFleet(app, { prefix: 'fresh', count: 1, provider: 'zoho' });
      await seedFleet(app, { prefix: 'fresh', count: 1, provider: 'google' });
      const found = await page({ filter: { search: 'fresh' } });

      await app.dataSource.query("DELETE FROM oauth_tokens WHERE client_id = 'fresh-0001' AND provider = 'zoho'");
      const afterOne = await page({ filter: { search: 'fresh' } });
      await app.dataSource.query("DELETE FROM oauth_tokens WHERE client_id = 'fresh-0001'");
      const afterAll = await page({ filter: { search: 'fresh' } });

      expect(found.totalCount).toBe(2);
      expect(afterOne.edges.map((edge) => edge.node.provider)).toEqual(['google']);
      expect(afterAll.totalCount).toBe(0);
      const [{ n }] = await app.dataSource.query<{ n: number }[]>(
        "SELECT count(*)::int AS n FROM token_health_clients WHERE client_id = 'fresh-0001'",
      );
      expect(n).toBe(0);
    });

    it.each([
      ['garbage', 'not-a-cursor'],
      ['a tampered cursor', Buffer.from("f1:3:0:' OR 1=1 --").toString('base64url')],
    ])('refuses %s as after with BAD_USER_INPUT', async (_name, after) => {
      const body = await graphql(TOKENS, { after });

      expect(body.data).toBeNull();
      expect(body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    });

    it.each([0, -1, 101])('refuses first = %d with BAD_USER_INPUT', async (first) => {
      const body = await graphql(TOKENS, { first });

      expect(body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    });

    it('shows nothing without the admin token', async () => {
      await seedFleet(app, { count: 1 });

      const body = await graphql(TOKENS, {}, 'wrong-token-wrong-token');

      expect(body.data ?? null).toBeNull();
      expect(body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(body)).not.toContain('tenant-0001');
    });
  });

  describe('tokenHealthSummary', () => {
    it('counts every status (zeros included) and every provider, with no outages', async () => {
      await seedFleet(app, { prefix: 'z', count: 3, provider: 'zoho' });
      await seedFleet(app, { prefix: 'g', count: 2, provider: 'google', status: TokenStatus.Invalid });
      // Counts come from the shared cache (refreshed every 15 s and after each cycle), not from a query per request.
      await app.get(TokenCountsCache).refresh();

      const body = await graphql<{ tokenHealthSummary: unknown }>(SUMMARY);

      expect(body.errors).toBeUndefined();
      expect(body.data!.tokenHealthSummary).toEqual({
        total: 5,
        byStatus: [
          { status: 'HEALTHY', count: 3 },
          { status: 'EXPIRING', count: 0 },
          { status: 'REFRESH_FAILED', count: 0 },
          { status: 'INVALID', count: 2 },
        ],
        byProvider: [
          { provider: 'google', status: 'INVALID', count: 2 },
          { provider: 'zoho', status: 'HEALTHY', count: 3 },
        ],
        lastCycle: null,
        outages: [],
      });
    });
  });

  describe('tokenHealthHistory', () => {
    it('records each status transition with its source, newest first', async () => {
      const registered = await graphql(`
        mutation {
          registerOAuthToken(input: { clientId: "acme", provider: "zoho", refreshToken: "1000.refresh.acme" }) {
            status
          }
        }
      `);
      expect(registered.errors).toBeUndefined();
      // Registration verified the token with a refresh just now; make it due again.
      await app.dataSource.query(
        "UPDATE oauth_tokens SET token_expiry = now() - interval '1 minute', last_health_check = NULL, last_refreshed_at = NULL, last_refresh_attempt_at = NULL WHERE client_id = 'acme'",
      );
      zoho.whenRefreshing('1000.refresh.acme', { status: 200, body: { error: 'invalid_code' } });
      await graphql('mutation { checkTokenHealth(clientId: "acme") { status } }');
      await graphql('mutation { checkTokenHealth(clientId: "acme") { status } }');

      const body = await graphql<{ tokenHealthHistory: HistoryEvent[] }>(HISTORY, { clientId: 'acme', provider: 'zoho' });

      expect(body.errors).toBeUndefined();
      expect(body.data!.tokenHealthHistory).toEqual([
        { at: expect.any(String), fromStatus: 'HEALTHY', toStatus: 'INVALID', error: expect.stringContaining('invalid_code'), source: 'CHECK' },
        { at: expect.any(String), fromStatus: null, toStatus: 'HEALTHY', error: null, source: 'REGISTER' },
      ]);
    });

    it('records nothing for checks that keep the status', async () => {
      await graphql(`
        mutation {
          registerOAuthToken(input: { clientId: "steady", provider: "zoho", refreshToken: "1000.refresh.steady" }) {
            status
          }
        }
      `);
      await app.dataSource.query("UPDATE oauth_tokens SET token_expiry = now() + interval '4 hours'");
      for (let check = 0; check < 2; check++) {
        // Each check must look at the token again, not skip it as checked in this cycle's second.
        await app.dataSource.query('UPDATE oauth_tokens SET last_health_check = NULL');
        const checked = await graphql<{ checkTokenHealth: { status: string }[] }>('mutation { checkTokenHealth(clientId: "steady") { status } }');
        expect(checked.data!.checkTokenHealth).toEqual([{ status: 'HEALTHY' }]);
      }

      const body = await graphql<{ tokenHealthHistory: HistoryEvent[] }>(HISTORY, { clientId: 'steady', provider: 'zoho' });

      expect(body.data!.tokenHealthHistory.map((event) => event.source)).toEqual(['REGISTER']);
    });

    it('records a status change by a token hand-out (getAccessToken) as source ACCESS', async () => {
      const { refreshToken } = await seedToken(app, { clientId: 'handout', expiresInMinutes: 1 });
      zoho.whenRefreshing(refreshToken!, { status: 400, body: { error: 'invalid_grant' } });

      await expect(app.get(OAuthTokenService).getAccessToken('handout', 'zoho')).rejects.toThrow();

      const body = await graphql<{ tokenHealthHistory: HistoryEvent[] }>(HISTORY, { clientId: 'handout', provider: 'zoho', first: 1 });
      expect(body.data!.tokenHealthHistory).toEqual([expect.objectContaining({ fromStatus: 'HEALTHY', toStatus: 'INVALID', source: 'ACCESS' })]);
    });

    it('limits the history to first events', async () => {
      await seedFleet(app, { prefix: 'flap', count: 1 });
      for (const status of ['invalid', 'healthy', 'invalid']) {
        await app.dataSource.query('UPDATE oauth_tokens SET token_status = $1', [status]);
      }

      const body = await graphql<{ tokenHealthHistory: HistoryEvent[] }>(HISTORY, { clientId: 'flap-0001', provider: 'zoho', first: 2 });

      expect(body.data!.tokenHealthHistory.map((event) => event.toStatus)).toEqual(['INVALID', 'HEALTHY']);
    });

    it('writes no event for a status change whose transaction rolls back', async () => {
      await seedFleet(app, { prefix: 'rollback', count: 1 });
      const runner = app.dataSource.createQueryRunner();
      await runner.startTransaction();
      await runner.query("UPDATE oauth_tokens SET token_status = 'invalid'");
      await runner.rollbackTransaction();
      await runner.release();

      const body = await graphql<{ tokenHealthHistory: HistoryEvent[] }>(HISTORY, { clientId: 'rollback-0001', provider: 'zoho' });

      expect(body.data!.tokenHealthHistory.map((event) => event.toStatus)).toEqual(['HEALTHY']);
    });

    it('prunes events older than TOKEN_HEALTH_HISTORY_DAYS and keeps the rest', async () => {
      await seedFleet(app, { prefix: 'old', count: 1 });
      await app.dataSource.query("UPDATE oauth_tokens SET token_status = 'invalid'");
      await app.dataSource.query("UPDATE token_health_events SET at = now() - interval '91 days' WHERE to_status = 'healthy'");

      const deleted = await app.get(TokenHistoryPruner).prune();

      const body = await graphql<{ tokenHealthHistory: HistoryEvent[] }>(HISTORY, { clientId: 'old-0001', provider: 'zoho' });
      expect(deleted).toBe(1);
      expect(body.data!.tokenHealthHistory.map((event) => event.toStatus)).toEqual(['INVALID']);
    });

    it('refuses first above the bound with BAD_USER_INPUT', async () => {
      const body = await graphql<{ tokenHealthHistory: HistoryEvent[] }>(HISTORY, { clientId: 'acme', provider: 'zoho', first: 10_000 });

      expect(body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    });
  });
});
