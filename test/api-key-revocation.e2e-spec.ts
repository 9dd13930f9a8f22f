// A revoked API key is refused at once on every replica: two apps on one database, as behind a
// load balancer; the key is revoked on one and its very next request to the other is refused.
import { ApiCredentials } from '../src/auth/api-credentials';
import { createApiKey, graphqlAs } from './support/api-keys';
import { useSecretScan } from './support/secret-scan';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

useSecretScan();

const SUMMARY = '{ tokenHealthSummary { total } }';
const REVOKE = 'mutation($id: ID!) { revokeApiKey(id: $id) }';

describe(`${ApiCredentials.name}: revocation with two replicas`, () => {
  let database: TestDatabase;
  let replicaA: TestApp;
  let replicaB: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    replicaA = await startTestApp({ DATABASE_URL: database.url });
    replicaB = await startTestApp({ DATABASE_URL: database.url });
  });

  afterAll(async () => {
    await Promise.all([replicaA?.close(), replicaB?.close()]);
    await database?.drop();
  });

  it('refuses the next request on the other replica once a key is revoked', async () => {
    const { key, id } = await createApiKey(replicaA, ['read']);
    // Used on both first, so whatever either replica keeps about the key is warm.
    for (const replica of [replicaA, replicaB]) expect((await graphqlAs(replica, key, SUMMARY)).status).toBe(200);
    expect((await graphqlAs(replicaB, key, SUMMARY)).status).toBe(200);

    expect((await graphqlAs(replicaA, TEST_ADMIN_TOKEN, REVOKE, { id })).data).toEqual({ revokeApiKey: true });

    const afterwards = await graphqlAs(replicaB, key, SUMMARY);
    expect(afterwards.status).toBe(401);
    expect(afterwards.errors).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]);
    expect((await graphqlAs(replicaA, key, SUMMARY)).status).toBe(401);
  });

  it('accepts a key created on one replica at once on the other', async () => {
    const { key } = await createApiKey(replicaA, ['read']);

    expect((await graphqlAs(replicaB, key, SUMMARY)).status).toBe(200);
  });

  it('keeps the other keys working after one is revoked', async () => {
    const [kept, revoked] = [await createApiKey(replicaA, ['read']), await createApiKey(replicaA, ['read'])];
    await graphqlAs(replicaB, TEST_ADMIN_TOKEN, REVOKE, { id: revoked.id });

    expect((await graphqlAs(replicaA, kept.key, SUMMARY)).status).toBe(200);
    expect((await graphqlAs(replicaA, revoked.key, SUMMARY)).status).toBe(401);
  });
});
