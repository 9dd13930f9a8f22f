// Fault scenarios 4, 6 and 7: a misbehaving provider, hostile API input, and
// no secret in any log line, HTTP response or sink body throughout.
import { seedToken } from '../factories/token.factory';
import { FakeOAuthProvider, FakeResponse, zohoSuccess } from '../support/fake-oauth-provider';
import { ServerProcess } from '../support/server-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp, testEnv } from '../support/test-app';
import { useSecretScan } from '../support/secret-scan';

const scan = useSecretScan();

// Throttling answers are not faults of a token (its verdict stands): test/faults/throttled-provider.e2e-spec.ts.
const MISBEHAVIOUR: Record<string, FakeResponse> = {
  hangs: { hang: true },
  resets: { reset: true },
  html: { status: 200, body: '<html><body>Service temporarily unavailable</body></html>' },
  huge: { status: 200, body: `{"junk":"${'x'.repeat(10 * 1024 * 1024)}"}` },
};

interface GraphqlBody<TData> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

describe('hostile provider and hostile input', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let seeder: TestApp;
  let server: ServerProcess;

  const graphql = async <TData = unknown>(query: string, variables: object = {}, token = TEST_ADMIN_TOKEN) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as GraphqlBody<TData> };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    const env = testEnv({
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      TOKEN_HEALTH_PROVIDER_TIMEOUT_MS: '1500',
      TOKEN_HEALTH_ENABLED: 'false',
    });
    seeder = await startTestApp(env);
    server = await ServerProcess.start(env);
  });

  afterAll(async () => {
    await server.stop();
    await seeder.close();
    await zoho.close();
    await database.drop();
  });

  it('classifies every provider fault as refresh_failed, logs it once, stays bounded and checks the other tokens', async () => {
    for (const [name, response] of Object.entries(MISBEHAVIOUR)) {
      const seeded = await seedToken(seeder, { clientId: `bad-${name}`, expiresInMinutes: 5 });
      zoho.whenRefreshing(seeded.refreshToken!, response);
    }
    for (let i = 0; i < 3; i++) {
      const seeded = await seedToken(seeder, { clientId: `good-${i}`, expiresInMinutes: 5 });
      zoho.whenRefreshing(seeded.refreshToken!, zohoSuccess(`fresh-access-${i}`));
    }

    const startedAt = Date.now();
    const { body } = await graphql<{ checkTokenHealth: { clientId: string; status: string; error: string | null }[] }>(
      'mutation { checkTokenHealth { clientId status error } }',
    );
    const elapsedMs = Date.now() - startedAt;

    const byClient = Object.fromEntries(body.data!.checkTokenHealth.map((r) => [r.clientId, r.status]));
    for (const name of Object.keys(MISBEHAVIOUR)) expect(byClient[`bad-${name}`]).toBe('REFRESH_FAILED');
    for (let i = 0; i < 3; i++) expect(byClient[`good-${i}`]).toBe('HEALTHY');
    // Liveness bound, not a performance figure: the slowest token (hangs) takes 3 attempts × 1.5 s timeout
    // plus at most 250 + 500 ms of backoff; the tokens run in parallel. 2.5 s of room for a loaded machine.
    expect(elapsedMs).toBeLessThan(3 * 1500 + 250 + 500 + 2500);
    for (const name of Object.keys(MISBEHAVIOUR)) {
      expect(
        server
          .logs()
          .split('\n')
          .filter((line) => line.includes(`bad-${name}/zoho failed`)),
      ).toHaveLength(1);
    }
  }, 60_000);

  it('rejects missing or wrong admin tokens without data', async () => {
    for (const token of ['', 'wrong-token']) {
      const { status, body } = await graphql('{ tokenHealth(clientId: "good-0") { status } }', {}, token);
      expect(status === 401 || body.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED').toBe(true);
      expect(body.data ?? null).toBeNull();
    }
  });

  it.each(["x'; DROP TABLE oauth_tokens; --", 'Zürich-客户-🚀', 'a"b\\c', '%_%'])(
    'stores and returns the client id %j verbatim',
    async (clientId) => {
      scan.secret('1000.hostile', 'registered refresh token');
      const registered = await graphql<{ registerOAuthToken: { clientId: string; status: string } }>(
        'mutation($clientId: String!) { registerOAuthToken(input: {clientId: $clientId, provider: "zoho", refreshToken: "1000.hostile"}) { clientId status } }',
        { clientId },
      );
      const read = await graphql<{ tokenHealth: { clientId: string }[] }>(
        'query($clientId: String!) { tokenHealth(clientId: $clientId) { clientId } }',
        { clientId },
      );

      expect(registered.body.data!.registerOAuthToken).toEqual({ clientId, status: 'HEALTHY' });
      expect(read.body.data!.tokenHealth).toEqual([{ clientId }]);
    },
  );

  it('rejects oversize and deeply nested queries and a 1 MB token with a clear error', async () => {
    const deep = `{ ${'__schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } }'} }`;
    const nested = await graphql(deep);
    // Introspection is off as well, which is reported beside the depth.
    expect(nested.body.errors?.map((error) => error.message)).toContainEqual(expect.stringMatching(/nested deeper/));

    const wide = await graphql(`{ ${Array.from({ length: 600 }, (_, i) => `f${i}: __typename`).join(' ')} }`);
    expect(wide.body.errors?.[0]?.message).toMatch(/more than 500 fields/);

    const huge = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      body: JSON.stringify({
        query: 'mutation($t: String!) { registerOAuthToken(input: {clientId: "big", provider: "zoho", refreshToken: $t}) { status } }',
        variables: { t: 'r'.repeat(1024 * 1024) },
      }),
    });
    const text = await huge.text();
    expect(huge.status === 413 || /too long to be a token/.test(text)).toBe(true);
    expect(text).not.toContain('r'.repeat(100));
  });

  it('never shows a token, the client secret or the encryption key in logs or responses', async () => {
    expect(scan.size.secrets).toBeGreaterThan(10);
    await scan.expectNoLeaks();
  });
});
