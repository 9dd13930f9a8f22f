// What a caller with the admin token can make one request cost: GraphQL aliases and list
// sizes, searches the index cannot narrow, hand-made cursors; through GraphQL and the console.
import request from 'supertest';
import { Client } from 'pg';
import { seedFleet } from './factories/fleet.factory';
import { httpServer } from './factories/http-server';
import { captureLogs, LogCapture } from './support/log-capture';
import { useSecretScan } from './support/secret-scan';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';

useSecretScan();

interface GraphqlBody<TData = Record<string, unknown>> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string; costLimit?: string; field?: string } }[];
}

const aliased = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');
const handMadeCursor = (text: string) => Buffer.from(text).toString('base64url');
const DEEP_CURSOR = handMadeCursor('f1:3:-999999999999999999:0b6f4a52-4f3e-4c1e-9a43-5d0f2e1c9b7a');
const REPEATED_WORD = 'seed-'.repeat(20);

describe('API amplification', () => {
  let database: TestDatabase;
  let app: TestApp;
  let logs: LogCapture;

  const graphql = async <TData = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}) => {
    const response = await request(httpServer(app))
      .post('/graphql')
      .set({ authorization: `Bearer ${TEST_ADMIN_TOKEN}` })
      .send({ query, variables });
    return { status: response.status, body: response.body as GraphqlBody<TData>, bytes: response.text.length };
  };
  const clientIdsFound = async (search: string) => {
    const { body } = await graphql<{ tokens: { edges: { node: { clientId: string } }[]; totalCount: number } }>(
      'query($search: String) { tokens(filter: { search: $search }, first: 100) { edges { node { clientId } } totalCount } }',
      { search },
    );
    expect(body.errors).toBeUndefined();
    return body.data!.tokens.edges.map((edge) => edge.node.clientId).sort();
  };
  const consoleAgent = async () => {
    const agent = request.agent(httpServer(app));
    const form = await agent.get('/admin/login').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    await agent.post('/admin/login').type('form').send({ _csrf: csrf, token: TEST_ADMIN_TOKEN }).expect(303);
    return agent;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ DATABASE_URL: database.url });
    for (const prefix of ['seed', 'xavier', 'alex', 'zz-top', 'buzz', '%off', '_under', 'Under', 'back\\slash']) {
      await seedFleet(app, { prefix, count: 2 });
    }
    await seedFleet(app, { prefix: 'flap', count: 1 });
    for (const status of ['invalid', 'healthy', 'invalid'])
      await app.dataSource.query("UPDATE oauth_tokens SET token_status = $1 WHERE client_id = 'flap-0001'", [status]);
  });

  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.stop());

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  describe('GraphQL cost counts list sizes and aliases', () => {
    it('refuses aliases of tokenHealthHistory(first: 500) before running them (was 2 fields, answered 19.5 MB)', async () => {
      const response = await graphql(`{ ${aliased(3, 'tokenHealthHistory(clientId: "flap-0001", provider: "zoho", first: 500) { error }')} }`);

      expect(response.status).toBe(400);
      expect(response.body.data).toBeUndefined();
      expect(response.body.errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/^Query cost of 1500 rows exceeds the limit of 1000/),
          extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED', costLimit: 'rows' }),
        }),
      ]);
    });

    it('answers the history pages that fit the budget', async () => {
      const response = await graphql(`{ ${aliased(2, 'tokenHealthHistory(clientId: "flap-0001", provider: "zoho", first: 500) { toStatus }')} }`);

      expect(response.body.errors).toBeUndefined();
      expect(response.body.data).toEqual({ a0: expect.any(Array), a1: expect.any(Array) });
      const [{ events }] = await app.dataSource.query<{ events: number }[]>(
        "SELECT count(*)::int AS events FROM token_health_events WHERE client_id = 'flap-0001'",
      );
      expect((response.body.data!.a0 as unknown[]).length).toBe(events);
    });

    it('refuses 250 aliases of tokens(first: 1, filter: { search }) { totalCount } before any of them reads the pool', async () => {
      const response = await graphql(`{ ${aliased(250, `tokens(first: 1, filter: { search: "${REPEATED_WORD}" }) { totalCount }`)} }`);

      expect(response.status).toBe(400);
      expect(response.body.data).toBeUndefined();
      expect(response.body.errors).toHaveLength(1);
      expect(response.body.errors![0].message).toMatch(
        /^Query cost of \d+ rows exceeds the limit of 1000 \(each list counts its first, each totalCount 250\)/,
      );
    });

    it('answers three counts in one operation, and refuses a fourth', async () => {
      const three = await graphql(`{ ${aliased(3, 'tokens(first: 1) { totalCount }')} }`);
      const four = await graphql(`{ ${aliased(4, 'tokens(first: 1) { totalCount }')} }`);

      expect(three.body.data).toEqual({ a0: { totalCount: 19 }, a1: { totalCount: 19 }, a2: { totalCount: 19 } });
      expect(four.body.errors?.[0].extensions?.costLimit).toBe('rows');
    });

    it('caps the aliases of one root list field', async () => {
      const response = await graphql(`{ ${aliased(11, 'tokens(first: 1) { edges { cursor } }')} }`);

      expect(response.status).toBe(400);
      expect(response.body.errors![0]).toMatchObject({
        message: 'Query cost of 11 aliases of tokens exceeds the limit of 10 per root field',
        extensions: { costLimit: 'aliasesPerRootField' },
      });
    });

    it('counts a page size given as a variable as the largest page', async () => {
      const response = await graphql(
        `query($n: Int) { ${aliased(3, 'tokenHealthHistory(clientId: "flap-0001", provider: "zoho", first: $n) { at }')} }`,
        {
          n: 1,
        },
      );

      expect(response.body.errors![0].extensions?.costLimit).toBe('rows');
    });
  });

  describe('pathological searches', () => {
    it.each([
      ['x', ['xavier-0001', 'xavier-0002']],
      ['zz', ['zz-top-0001', 'zz-top-0002']],
      ['%', ['%off-0001', '%off-0002']],
      ['_', ['_under-0001', '_under-0002']],
      ['\\', []],
      ['_u', ['_under-0001', '_under-0002']],
    ])('matches %j, which has no trigram, as the start of a client id instead of reading every client', async (search, expected) => {
      expect(await clientIdsFound(search)).toEqual(expected);
    });

    it('still matches three letters or digits anywhere, case-insensitively', async () => {
      expect(await clientIdsFound('lex')).toEqual(['alex-0001', 'alex-0002']);
      expect(await clientIdsFound('UNDER')).toEqual(['Under-0001', 'Under-0002', '_under-0001', '_under-0002']);
      expect(await clientIdsFound('ck\\sla')).toEqual(['back\\slash-0001', 'back\\slash-0002']);
    });

    it('refuses a search longer than 100 characters with BAD_USER_INPUT (a repeated word made the index return every row)', async () => {
      const { body } = await graphql(`{ tokens(filter: { search: "${'seed-'.repeat(51)}" }) { totalCount } }`);

      expect(body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'search' } });
      expect(body.errors![0].message).toBe('search must be at most 100 characters (got 255)');
    });

    describe('under a short statement timeout', () => {
      let locker: Client;

      // A search that cannot finish: another session holds the client index's table.
      beforeEach(async () => {
        locker = new Client({ connectionString: database.url });
        await locker.connect();
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE token_health_clients IN ACCESS EXCLUSIVE MODE');
      });
      afterEach(async () => {
        await locker.query('ROLLBACK');
        await locker.end();
      });

      it('stops a search that runs too long with a clear BAD_USER_INPUT', async () => {
        const { body } = await graphql(`{ tokens(filter: { search: "${REPEATED_WORD}" }) { totalCount } }`);

        expect(body.data).toBeNull();
        expect(body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'search' } });
        expect(body.errors![0].message).toMatch(/^search took longer than 2 s and was stopped/);
        expect(logs.text).not.toMatch(/Unexpected API error/);
      });

      it("answers the console's Search box with a 400 page, no error logged", async () => {
        const agent = await consoleAgent();

        const page = await agent.get('/admin').query({ search: REPEATED_WORD });

        expect(page.status).toBe(400);
        expect(page.text).toContain('search took longer than 2 s');
        expect(logs.text).not.toMatch(/Console request failed/);
      });
    });
  });

  describe('hand-made cursors', () => {
    it('answers a cursor with an out-of-range time with BAD_USER_INPUT, not a 500', async () => {
      const { body } = await graphql('query($after: String) { tokens(after: $after) { edges { cursor } } }', { after: DEEP_CURSOR });

      expect(body.errors![0]).toMatchObject({
        message: 'after is not a cursor returned by this API',
        extensions: { code: 'BAD_USER_INPUT', field: 'after' },
      });
      expect(logs.text).not.toMatch(/Unexpected API error/);
    });

    it('answers the same cursor in the console with a 400 page and no error log', async () => {
      const agent = await consoleAgent();

      const page = await agent.get('/admin').query({ after: DEEP_CURSOR });

      expect(page.status).toBe(400);
      expect(page.text).toContain('after is not a cursor returned by this API');
      expect(logs.text).not.toMatch(/Console request failed/);
    });

    it('still walks pages with the cursors it hands out', async () => {
      const first = await graphql<{ tokens: { edges: { cursor: string }[] } }>('{ tokens(first: 5) { edges { cursor } } }');
      const after = first.body.data!.tokens.edges.at(-1)!.cursor;

      const next = await graphql<{ tokens: { edges: { cursor: string }[] } }>(
        'query($after: String) { tokens(first: 5, after: $after) { edges { cursor } } }',
        {
          after,
        },
      );

      expect(next.body.data!.tokens.edges).toHaveLength(5);
    });
  });
});
