// Scoped API keys on the GraphQL surface: each scope allows exactly its operations and nothing
// else, the admin token keeps every scope, and a wrong, unknown or expired key is refused as
// unauthenticated — with the key's id (never the key) in the log.
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { scryptSync } from 'node:crypto';
import { API_SCOPES, ApiScope } from '../src/auth/api-scope';
import { ApiScopeGuard } from '../src/auth/api-scope.guard';
import { seedToken } from './factories/token.factory';
import { createApiKey, CreatedKey, CREATE_API_KEY, graphqlAs } from './support/api-keys';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { GraphqlAnswer } from './support/graphql-client';
import { clientAt } from './support/http-from-address';
import { captureLogs, LogCapture } from './support/log-capture';
import { allows, graphqlCallOf, SCOPED_OPERATIONS, ScopedOperation } from './support/scoped-operations';
import { useSecretScan } from './support/secret-scan';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

useSecretScan();

/** 'allowed', or the error codes of the answer ('FORBIDDEN', 'UNAUTHENTICATED', …). */
type Outcome = string;

let database: TestDatabase;
let zoho: FakeOAuthProvider;
let app: TestApp;
let logs: LogCapture;

beforeAll(async () => {
  logs = captureLogs();
  database = await createTestDatabase();
  zoho = await FakeOAuthProvider.start();
  app = await startTestApp({ DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1' });
  await seedToken(app, { clientId: 'acme' });
});

afterAll(async () => {
  logs?.stop();
  await app?.close();
  await zoho?.close();
  await database?.drop();
});

/** What the surface answered one call: allowed (no error at all), or the error code. */
async function outcomeOf(bearer: string | undefined, operation: ScopedOperation): Promise<Outcome> {
  switch (operation.surface) {
    case 'graphql': {
      const { query, variables } = graphqlCallOf(operation.operation);
      return graphqlOutcome(await graphqlAs(app, bearer, query, variables));
    }
  }
}

function graphqlOutcome(answer: GraphqlAnswer): Outcome {
  if (answer.status === 401) return 'UNAUTHENTICATED';
  const codes = (answer.errors ?? []).map((error) => String(error.extensions?.code));
  return codes.length === 0 ? 'allowed' : codes.join(',');
}

describe(`${ApiScopeGuard.name}: each scope allows exactly its operations`, () => {
  const keys = {} as Record<ApiScope, CreatedKey>;

  beforeAll(async () => {
    for (const scope of API_SCOPES) keys[scope] = await createApiKey(app, [scope]);
  });

  describe.each(API_SCOPES)('a key with scope %s', (scope) => {
    const rows = SCOPED_OPERATIONS.map(
      (operation) =>
        [`${allows(scope, operation) ? 'allows' : 'refuses with FORBIDDEN'} ${operation.surface} ${operation.operation}`, operation] as const,
    );

    it.each(rows)('%s', async (_title, operation) => {
      expect(await outcomeOf(keys[scope].key, operation)).toBe(allows(scope, operation) ? 'allowed' : 'FORBIDDEN');
    });
  });

  it.each(SCOPED_OPERATIONS.map((operation) => [`${operation.surface} ${operation.operation}`, operation] as const))(
    'lets the admin token call %s',
    async (_title, operation) => {
      expect(await outcomeOf(TEST_ADMIN_TOKEN, operation)).toBe('allowed');
    },
  );

  it('has a row for every Query and Mutation field of the schema', () => {
    const { schema } = app.get(GraphQLSchemaHost);
    const fields = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())];
    const graphqlRows = SCOPED_OPERATIONS.filter((row) => row.surface === 'graphql').map((row) => row.operation);

    expect([...graphqlRows].sort()).toEqual([...fields].sort());
  });

  it('gives a key with several scopes each of them and no other', async () => {
    const { key } = await createApiKey(app, ['read', 'check']);
    const row = (name: string) => SCOPED_OPERATIONS.find((operation) => operation.operation === name)!;

    expect(await outcomeOf(key, row('tokens'))).toBe('allowed');
    expect(await outcomeOf(key, row('runHealthCheck'))).toBe('allowed');
    expect(await outcomeOf(key, row('createConnectLink'))).toBe('FORBIDDEN');
  });

  it('refuses an out-of-scope field beside allowed ones, naming its path (root fields are non-null, so no data)', async () => {
    const answer = await graphqlAs(app, keys.read.key, 'query { tokenHealthSummary { total } apiKeys { id } }');

    expect(answer.status).toBe(200);
    expect(answer.data).toBeNull();
    expect(answer.errors).toEqual([expect.objectContaining({ path: ['apiKeys'], extensions: { code: 'FORBIDDEN' } })]);
  });

  it('logs the id of a key refused for its scope, never the key', async () => {
    await graphqlAs(app, keys.read.key, 'mutation { runHealthCheck { checked } }');

    expect(logs.text).toContain(`API key ${keys.read.id} refused: lacks scope check`);
  });
});

describe(`${ApiScopeGuard.name}: credentials that are not valid`, () => {
  const summary = SCOPED_OPERATIONS.find((operation) => operation.operation === 'tokenHealthSummary')!;
  let good: CreatedKey;

  beforeAll(async () => (good = await createApiKey(app, ['read'])));

  it.each([
    ['no Authorization header', undefined],
    ['something that is not a key', 'not-a-key-at-all'],
    ['a key of the right shape that was never created', `thk_0123456789_${'A'.repeat(43)}`],
  ])('refuses %s with 401 UNAUTHENTICATED', async (_title, bearer) => {
    expect(await outcomeOf(bearer, summary)).toBe('UNAUTHENTICATED');
  });

  it('refuses a real key id with a wrong secret, also after the right one was used, and logs the id', async () => {
    const wrong = `${good.key.slice(0, -4)}AAAA` === good.key ? `${good.key.slice(0, -4)}BBBB` : `${good.key.slice(0, -4)}AAAA`;
    expect(await outcomeOf(good.key, summary)).toBe('allowed');

    expect(await outcomeOf(wrong, summary)).toBe('UNAUTHENTICATED');
    expect(logs.text).toContain(`API key ${good.id} refused: wrong secret`);
    expect(await outcomeOf(good.key, summary)).toBe('allowed');
  });

  it('counts wrong keys as failed authentications: ten 401s from an address, then 429', async () => {
    const attacker = clientAt(app.baseUrl, '127.0.9.1');
    const body = JSON.stringify({ query: '{ tokenHealthSummary { total } }' });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const bearer = `thk_${good.id}_${String(i).padStart(43, 'x')}`;
      statuses.push((await attacker.post('/graphql', body, { 'content-type': 'application/json', authorization: `Bearer ${bearer}` })).status);
    }

    expect(statuses).toEqual([...Array<number>(10).fill(401), 429]);
  });
});

describe('API keys: expiry', () => {
  const summary = SCOPED_OPERATIONS.find((operation) => operation.operation === 'tokenHealthSummary')!;

  it('accepts a key before its expiry and refuses it from then on, logging its id', async () => {
    const { key, id } = await createApiKey(app, ['read'], { expiresAt: new Date(Date.now() + 3600_000) });
    expect(await outcomeOf(key, summary)).toBe('allowed');

    // The expiry passes (judged by the database's clock).
    await app.dataSource.query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", [id]);

    expect(await outcomeOf(key, summary)).toBe('UNAUTHENTICATED');
    expect(logs.text).toContain(`API key ${id} refused: expired`);
  });

  it('refuses to create a key that has expired already', async () => {
    const answer = await graphqlAs(app, TEST_ADMIN_TOKEN, CREATE_API_KEY, { name: 'late', scopes: ['read'], expiresAt: '2001-01-01T00:00:00Z' });

    expect(answer.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'expiresAt' } })]);
  });
});

describe('API keys: creating and listing through GraphQL', () => {
  it.each([
    ['an unknown scope', { name: 'x', scopes: ['read', 'write'] }, 'scopes'],
    ['no scope', { name: 'x', scopes: [] }, 'scopes'],
    ['a blank name', { name: '  ', scopes: ['read'] }, 'name'],
    ['a name with a control character', { name: 'a\u0000b', scopes: ['read'] }, 'name'],
  ])('refuses %s with BAD_USER_INPUT naming the field, and stores nothing', async (_title, variables, field) => {
    const before: { count: number }[] = await app.dataSource.query('SELECT count(*)::int AS count FROM api_keys');

    const answer = await graphqlAs(app, TEST_ADMIN_TOKEN, CREATE_API_KEY, variables);

    expect(answer.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field } })]);
    expect(await app.dataSource.query('SELECT count(*)::int AS count FROM api_keys')).toEqual(before);
  });

  it('stores a salted scrypt hash of the secret and nothing that reveals it', async () => {
    const { key, id } = await createApiKey(app, ['read', 'admin'], { name: 'dashboard' });
    const [row]: Record<string, unknown>[] = await app.dataSource.query('SELECT * FROM api_keys WHERE id = $1', [id]);
    const secret = key.slice(`thk_${id}_`.length);

    expect(key).toMatch(/^thk_[0-9a-f]{10}_[A-Za-z0-9_-]{43}$/);
    expect(row).toMatchObject({ name: 'dashboard', scopes: ['read', 'admin'], last_used_at: null, expires_at: null });
    expect(scryptSync(secret, row.secret_salt as Buffer, 32, { N: 16384, r: 8, p: 1 })).toEqual(row.secret_hash);
    expect(JSON.stringify(Object.values(row).map(String))).not.toContain(secret.slice(0, 12));
  });

  it('lists keys with their scopes and never their secret', async () => {
    const { id } = await createApiKey(app, ['connect'], { name: 'connect links' });

    const answer = await graphqlAs(app, TEST_ADMIN_TOKEN, '{ apiKeys { id name scopes createdAt lastUsedAt expiresAt } }');

    expect((answer.data!.apiKeys as { id: string }[]).find((listed) => listed.id === id)).toMatchObject({
      name: 'connect links',
      scopes: ['connect'],
      lastUsedAt: null,
    });
  });

  it('stamps last_used_at on use, at most once a minute', async () => {
    const { key, id } = await createApiKey(app, ['read']);
    const lastUsed = async () => {
      const rows: { last_used_at: Date | null }[] = await app.dataSource.query('SELECT last_used_at FROM api_keys WHERE id = $1', [id]);
      return rows[0].last_used_at;
    };
    const summary = '{ tokenHealthSummary { total } }';

    await graphqlAs(app, key, summary);
    expect(await lastUsed()).not.toBeNull();

    await app.dataSource.query("UPDATE api_keys SET last_used_at = now() - interval '30 seconds' WHERE id = $1", [id]);
    const halfAMinuteAgo = await lastUsed();
    await graphqlAs(app, key, summary);
    expect(await lastUsed()).toEqual(halfAMinuteAgo);

    await app.dataSource.query("UPDATE api_keys SET last_used_at = now() - interval '2 minutes' WHERE id = $1", [id]);
    const twoMinutesAgo = await lastUsed();
    await graphqlAs(app, key, summary);
    expect((await lastUsed())!.getTime()).toBeGreaterThan(twoMinutesAgo!.getTime());
  });

  it('revokes a key through GraphQL: true once, false for a key that is gone', async () => {
    const { key, id } = await createApiKey(app, ['read']);
    const revoke = (target: string) => graphqlAs(app, TEST_ADMIN_TOKEN, 'mutation($id: ID!) { revokeApiKey(id: $id) }', { id: target });

    expect((await revoke(id)).data).toEqual({ revokeApiKey: true });
    expect((await revoke(id)).data).toEqual({ revokeApiKey: false });
    expect(graphqlOutcome(await graphqlAs(app, key, '{ tokenHealthSummary { total } }'))).toBe('UNAUTHENTICATED');
  });
});
