// A whole-fleet cycle that finds every token unchanged writes no token row, yet every surface
// shows each token checked at that cycle: GraphQL, the admin console and the exported entity.
import request from 'supertest';
import { OAuthToken } from '../src/oauth/oauth-token.entity';
import { TokenStatus } from '../src/oauth/token-status';
import { seedToken } from './factories/token.factory';
import { httpServer } from './factories/http-server';
import { CHECK_TOKEN_HEALTH, graphqlAsAdmin, REPORT_FIELDS } from './support/graphql-client';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';
import { useSecretScan } from './support/secret-scan';

useSecretScan();

const CLIENTS = ['quiet-a', 'quiet-b', 'quiet-c'];

describe('a cycle that changes nothing', () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ DATABASE_URL: database.url });
    // Far from expiry: a check needs no provider call and finds each verdict as stored.
    for (const clientId of CLIENTS) await seedToken(app, { clientId, expiresInMinutes: 600, status: TokenStatus.Healthy });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const rowVersions = async () =>
    (await app.dataSource.query<{ version: string }[]>('SELECT xmin::text AS version FROM oauth_tokens ORDER BY client_id')).map(
      (row) => row.version,
    );
  const latestSweep = async () =>
    (await app.dataSource.query<{ started_at: Date }[]>('SELECT started_at FROM token_health_sweeps ORDER BY started_at DESC LIMIT 1'))[0]
      ?.started_at;
  const runWholeFleetCycle = async () => {
    const before = await rowVersions();
    const answer = await graphqlAsAdmin(app, CHECK_TOKEN_HEALTH, { clientId: null });
    expect(answer.errors).toBeUndefined();
    return { before, after: await rowVersions(), checkedAt: (await latestSweep()).toISOString() };
  };
  const consolePage = async (path: string) => {
    const agent = request.agent(httpServer(app));
    const form = await agent.get('/admin/login').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    await agent.post('/admin/login').type('form').send({ _csrf: csrf, token: TEST_ADMIN_TOKEN }).expect(303);
    return (await agent.get(path).expect(200)).text;
  };

  it.each([1, 2])('writes no token row and shows cycle %i as every token’s last check, on every surface', async () => {
    const { before, after, checkedAt } = await runWholeFleetCycle();

    expect(after).toEqual(before);
    for (const clientId of CLIENTS) {
      const reports = await graphqlAsAdmin(app, `query($clientId: String!) { tokenHealth(clientId: $clientId) { ${REPORT_FIELDS} } }`, { clientId });
      expect(reports.data).toEqual({ tokenHealth: [expect.objectContaining({ clientId, status: 'HEALTHY', lastHealthCheck: checkedAt })] });
      expect(await consolePage(`/admin/connection?clientId=${clientId}&provider=zoho`)).toContain(`datetime="${checkedAt}"`);
    }
    const fleet = await graphqlAsAdmin(app, 'query { tokens(first: 10) { edges { node { clientId lastHealthCheck } } } }');
    expect(fleet.data).toEqual({ tokens: { edges: CLIENTS.map(() => ({ node: expect.objectContaining({ lastHealthCheck: checkedAt }) })) } });
    expect((await consolePage('/admin')).split(`datetime="${checkedAt}"`)).toHaveLength(CLIENTS.length + 1);
    const entities = await app.dataSource.getRepository(OAuthToken).find();
    expect(entities.map((token) => token.lastHealthCheck?.toISOString())).toEqual(CLIENTS.map(() => checkedAt));
  });

  it('writes the one row whose verdict changed, and it shows the same check time', async () => {
    await app.dataSource.query("UPDATE oauth_tokens SET token_status = $1, health_check_error = 'stale' WHERE client_id = 'quiet-b'", [
      TokenStatus.RefreshFailed,
    ]);

    const { before, after, checkedAt } = await runWholeFleetCycle();

    expect(after.map((version, index) => version !== before[index])).toEqual([false, true, false]);
    const [changed] = await app.dataSource.getRepository(OAuthToken).findBy({ clientId: 'quiet-b' });
    expect(changed).toMatchObject({ tokenStatus: TokenStatus.Healthy, healthCheckError: null });
    expect(changed.lastHealthCheck!.getTime()).toBeGreaterThanOrEqual(new Date(checkedAt).getTime());
  });
});
