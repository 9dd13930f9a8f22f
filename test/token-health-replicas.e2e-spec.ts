import request from 'supertest';
import { TokenStatus } from '../src/oauth/token-status';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { seedToken } from './factories/token.factory';
import { waitUntil } from './support/alert-sinks';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { useSecretScan } from './support/secret-scan';
import { httpServer } from './factories/http-server';

useSecretScan();

describe('TokenHealthService across replicas and on a schedule', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    env = { DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, TOKEN_HEALTH_CONCURRENCY: '4' };
  });

  afterAll(async () => {
    await zoho.close();
    await database.drop();
  });

  it('refreshes each token exactly once when two apps run checkAllTokens at the same time', async () => {
    const [first, second] = await Promise.all([startTestApp(env), startTestApp(env)]);
    try {
      await first.dataSource.query('TRUNCATE oauth_tokens');
      const seeds = await Promise.all(Array.from({ length: 40 }, (_, i) => seedToken(first, { expiresInMinutes: i < 30 ? 5 : 300 })));
      zoho.reset();
      zoho.latencyMs = 30;

      const [a, b] = await Promise.all([first.get(TokenHealthService).checkAllTokens(), second.get(TokenHealthService).checkAllTokens()]);

      expect(a).toHaveLength(seeds.length);
      expect(b).toHaveLength(seeds.length);
      expect(b.every((report) => report.status === TokenStatus.Healthy)).toBe(true);
      const perToken = new Map<string, number>();
      for (const request of zoho.requestsTo('/oauth/v2/token')) perToken.set(request.refreshToken!, (perToken.get(request.refreshToken!) ?? 0) + 1);
      expect(perToken.size).toBe(30);
      expect([...perToken.values()].every((count) => count === 1)).toBe(true);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('does not start a second full cycle in one process while one is running', async () => {
    const app = await startTestApp(env);
    try {
      await app.dataSource.query('TRUNCATE oauth_tokens');
      await seedToken(app, { expiresInMinutes: 5 });
      zoho.reset();
      zoho.latencyMs = 200;
      const sut = app.get(TokenHealthService);

      await Promise.all([sut.checkAllTokens(), sut.checkAllTokens(), sut.runScheduledCheck()]);

      // The row lease alone would also keep the refresh count at 1; the cycle count tells joined from repeated.
      expect(await completedCycles(app)).toBe(1);
      expect(zoho.refreshCount()).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('runs the check on the TOKEN_HEALTH_CRON schedule and can be stopped at run time', async () => {
    const app = await startTestApp({
      ...env,
      TOKEN_HEALTH_ENABLED: 'true',
      TOKEN_HEALTH_CRON: '* * * * * *',
      TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0',
    });
    try {
      await app.dataSource.query('TRUNCATE oauth_tokens');
      const { clientId } = await seedToken(app, { expiresInMinutes: 5 });
      zoho.reset();

      await waitUntil(
        async () => {
          const [row] = await app.dataSource.query('SELECT last_health_check FROM oauth_tokens WHERE client_id = $1', [clientId]);
          return row.last_health_check !== null && zoho.refreshCount() >= 1;
        },
        5000,
        'a scheduled cycle',
      );

      app.get(TokenHealthService).stopPeriodicCheck();
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const afterStop = zoho.refreshCount();
      await new Promise((resolve) => setTimeout(resolve, 2200));
      expect(zoho.refreshCount()).toBe(afterStop);
    } finally {
      await app.close();
    }
  });
});

/** Full cycles this app completed, as /metrics reports them. */
async function completedCycles(app: TestApp): Promise<number> {
  const { text } = await request(httpServer(app)).get('/metrics').expect(200);
  const match = /^token_health_check_duration_seconds_count (\d+)$/m.exec(text);
  if (!match) throw new Error('token_health_check_duration_seconds_count is missing from /metrics');
  return Number(match[1]);
}
