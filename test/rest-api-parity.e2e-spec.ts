// One scenario through both surfaces: what REST answers is what GraphQL answers, field for field
// (GraphQL spells enum values in upper case; REST keeps the stored lower-case values).
import { TokenStatus } from '../src/oauth/token-status';
import { TokenCountsCache } from '../src/token-health/token-counts.cache';
import { seedFleet } from './factories/fleet.factory';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { graphqlAsAdmin, REGISTER, REPORT_FIELDS } from './support/graphql-client';
import { restClient, RestClient } from './support/rest-api/rest-client';
import { secretScan, useSecretScan } from './support/secret-scan';
import { startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

useSecretScan();

const TOKENS = `query($filter: TokenFilter, $first: Int, $after: String) {
  tokens(filter: $filter, first: $first, after: $after) { edges { node { ${REPORT_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`;
const SUMMARY = `{ tokenHealthSummary { total byStatus { status count } byProvider { provider status count } lastCycle { startedAt finishedAt checked refreshed failed } outages { provider since failures } alertChannels unhealthy throttling { provider rate message } } }`;
const HISTORY = `query($clientId: String!, $provider: String!) { tokenHealthHistory(clientId: $clientId, provider: $provider) { at fromStatus toStatus error source } }`;
const CLIENT = `query($clientId: String!) { tokenHealth(clientId: $clientId) { ${REPORT_FIELDS} } }`;

interface TokenPage {
  tokens: { edges: { node: Record<string, unknown> }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** GraphQL's upper-case enum values as the stored ones REST shows. */
const stored = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(stored)
    : value && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, stored(item)]))
      : typeof value === 'string' && /^[A-Z_]+$/.test(value)
        ? value.toLowerCase()
        : value;

describe('REST and GraphQL on one scenario', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let app: TestApp;
  let rest: RestClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    app = await startTestApp({ DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1' });
    rest = restClient(app.baseUrl);

    const viaRest = await rest.POST('/api/v1/connections', {
      body: { clientId: 'acme', provider: 'zoho', refreshToken: secretScan.secret('1000.refresh.parity-rest') },
    });
    const viaGraphql = await graphqlAsAdmin(app, REGISTER, {
      input: { clientId: 'globex', provider: 'zoho', refreshToken: secretScan.secret('1000.refresh.parity-graphql') },
    });
    expect([viaRest.response.status, viaGraphql.errors]).toEqual([201, undefined]);
    await seedFleet(app, { prefix: 'ok', count: 4, provider: 'google' });
    await seedFleet(app, { prefix: 'dead', count: 3, status: TokenStatus.Invalid, checkedMinutesAgo: 30 });
    await seedFleet(app, { prefix: 'flaky', count: 2, status: TokenStatus.RefreshFailed });
    await graphqlAsAdmin(app, 'mutation { runHealthCheck { checked } }');
    await app.get(TokenCountsCache).refresh();
  });

  afterAll(async () => {
    await app?.close();
    await zoho?.close();
    await database?.drop();
  });

  const walkGraphql = async (filter: object) => {
    const nodes: unknown[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const { data } = await graphqlAsAdmin(app, TOKENS, { filter, first: 3, after });
      const { edges, pageInfo } = (data as unknown as TokenPage).tokens;
      nodes.push(...edges.map((edge) => edge.node));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    return nodes;
  };
  const walkRest = async (query: { status?: TokenStatus[]; provider?: string; search?: string }) => {
    const items: unknown[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const { data } = await rest.GET('/api/v1/connections', { params: { query: { ...query, limit: 3, cursor } } });
      items.push(...data!.items);
      if (data!.next === null) break;
      cursor = data!.next;
    }
    return items;
  };

  it.each([
    ['the whole fleet', {}, {}],
    ['failing connections', { status: ['INVALID', 'REFRESH_FAILED'] }, { status: [TokenStatus.Invalid, TokenStatus.RefreshFailed] }],
    ['one provider', { provider: 'google' }, { provider: 'google' }],
    ['a clientId search', { search: 'lak' }, { search: 'lak' }],
  ])('lists %s in the same order, page by page', async (_name, graphqlFilter, restQuery) => {
    const viaGraphql = await walkGraphql(graphqlFilter);

    expect(viaGraphql.length).toBeGreaterThan(0);
    expect(await walkRest(restQuery)).toEqual(stored(viaGraphql));
  });

  it("answers the same summary, one client's reports and one connection's history", async () => {
    const summary = await graphqlAsAdmin(app, SUMMARY);
    const client = await graphqlAsAdmin(app, CLIENT, { clientId: 'acme' });
    const history = await graphqlAsAdmin(app, HISTORY, { clientId: 'acme', provider: 'zoho' });
    const path = { clientId: 'acme', provider: 'zoho' };

    expect((await rest.GET('/api/v1/summary')).data).toEqual(stored(summary.data!.tokenHealthSummary));
    expect((await rest.GET('/api/v1/connections/{clientId}', { params: { path: { clientId: 'acme' } } })).data).toEqual(
      stored(client.data!.tokenHealth),
    );
    expect((await rest.GET('/api/v1/connections/{clientId}/{provider}/history', { params: { path } })).data).toEqual(
      stored(history.data!.tokenHealthHistory),
    );
  });

  it('refuses the same bad input with the same code', async () => {
    const graphqlCursor = await graphqlAsAdmin(app, TOKENS, { after: 'not-a-cursor' });
    const graphqlSize = await graphqlAsAdmin(app, TOKENS, { first: 101 });
    const restCursor = await rest.GET('/api/v1/connections', { params: { query: { cursor: 'not-a-cursor' } } });
    const restSize = await rest.GET('/api/v1/connections', { params: { query: { limit: 101 } } });

    expect([restCursor.error?.code, restSize.error?.code]).toEqual([
      graphqlCursor.errors![0].extensions!.code,
      graphqlSize.errors![0].extensions!.code,
    ]);
    expect(restCursor.error?.code).toBe('BAD_USER_INPUT');
  });
});
