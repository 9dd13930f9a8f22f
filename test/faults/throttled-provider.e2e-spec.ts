// A provider with a rate limit (a token bucket at the fake) and the built server's own cron:
// throttles never turn a token refresh_failed, nothing is sent during a Retry-After, and two
// replicas share one configured budget.
import { seedToken } from '../factories/token.factory';
import { waitUntil } from '../support/alert-sinks';
import { FakeOAuthProvider } from '../support/fake-oauth-provider';
import { ServerProcess } from '../support/server-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { startTestApp, TestApp, testEnv } from '../support/test-app';
import { useSecretScan } from '../support/secret-scan';
import { ThrottleStyle, ThrottlingBucket } from '../support/throttling-bucket';

useSecretScan();

const TOKENS = 200;

describe('a provider that throttles', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let seeder: TestApp;
  let env: Record<string, string>;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    env = testEnv({ DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, TOKEN_HEALTH_CRON: '*/2 * * * * *', TOKEN_HEALTH_CONCURRENCY: '4' });
    seeder = await startTestApp(env);
  }, 120_000);

  afterEach(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    servers = [];
  });

  afterAll(async () => {
    await seeder.close();
    await zoho.close();
    await database.drop();
  });

  async function seedDue(count: number): Promise<void> {
    await seeder.dataSource.query('TRUNCATE oauth_tokens, provider_refresh_budgets, provider_refresh_in_flight');
    for (let i = 0; i < count; i++) await seedToken(seeder, { clientId: `tenant-${i}`, expiresInMinutes: 5 });
  }

  async function runUntilAllRefreshed(bucket: ThrottlingBucket, count: number, extraEnv: Record<string, string> = {}, replicas = 1) {
    zoho.reset();
    zoho.defaultBehaviour = bucket.behaviour;
    servers = await Promise.all(Array.from({ length: replicas }, () => ServerProcess.start({ ...env, TOKEN_HEALTH_ENABLED: 'true', ...extraEnv })));
    await waitUntil(
      async () => {
        const [{ n }] = await seeder.dataSource.query<{ n: number }[]>(
          'SELECT count(*)::int AS n FROM oauth_tokens WHERE last_refreshed_at IS NOT NULL',
        );
        return n === count;
      },
      90_000,
      'every token refreshed',
    );
    return seeder.dataSource.query<{ token_status: string; n: number }[]>(
      'SELECT token_status, count(*)::int AS n FROM oauth_tokens GROUP BY 1 ORDER BY 1',
    );
  }

  it.each<[string, ThrottleStyle]>([
    ["Zoho's Access Denied", { kind: 'zoho' }],
    ['429 with Retry-After', { kind: '429', retryAfterSeconds: 2 }],
  ])(
    'keeps every token healthy through %s and refreshes each one',
    async (_name, style) => {
      await seedDue(TOKENS);
      const bucket = new ThrottlingBucket(20, 5, style);

      const statuses = await runUntilAllRefreshed(bucket, TOKENS);

      expect(bucket.arrivals.some((arrival) => arrival.throttled)).toBe(true);
      expect(statuses).toEqual([{ token_status: 'healthy', n: TOKENS }]);
      expect(bucket.accepted().size).toBe(TOKENS);
    },
    150_000,
  );

  it('sends nothing to the provider while a Retry-After runs', async () => {
    await seedDue(TOKENS);
    const bucket = new ThrottlingBucket(20, 5, { kind: '429', retryAfterSeconds: 2 });

    await runUntilAllRefreshed(bucket, TOKENS);

    // Requests already on their way when the 429 left (concurrency 4, a fake without latency) arrive within moments.
    expect(bucket.arrivals.filter((arrival) => arrival.retryUntil !== undefined).length).toBeGreaterThan(0);
    expect(bucket.sentDuringRetryAfter(250)).toBe(0);
  }, 150_000);

  it('keeps two replicas together within one configured budget', async () => {
    await seedDue(300);
    // A provider that would take far more: only the configured budget holds the rate down.
    const bucket = new ThrottlingBucket(1000, 1000, { kind: 'zoho' });

    const statuses = await runUntilAllRefreshed(bucket, 300, { ZOHO_MAX_REFRESH_RATE: '20' }, 2);

    expect(statuses).toEqual([{ token_status: 'healthy', n: 300 }]);
    // 20/s plus the budget's burst (0.2 s of its rate) and one permit of rounding.
    expect(bucket.busiestSecond()).toBeLessThanOrEqual(20 + 4 + 1);
    expect(bucket.arrivals.length).toBe(300);
  }, 150_000);
});
