// A replica is killed after the provider was asked (and answered) but before the
// result was written. Its lease keeps every other replica off the token until it
// expires; then the token is refreshed once more, and only once.
import { effectiveLastHealthCheckSql } from '../../src/oauth/effective-health-check.sql';
import { seedToken } from '../factories/token.factory';
import { waitUntil } from '../support/alert-sinks';
import { FakeOAuthProvider, zohoSuccess } from '../support/fake-oauth-provider';
import { ServerProcess } from '../support/server-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { startTestApp, TestApp, testEnv } from '../support/test-app';
import { useSecretScan } from '../support/secret-scan';

useSecretScan();

const LEASE_SECONDS = 15;

describe('a refresh whose process died after the provider answered', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let seeder: TestApp;
  let env: Record<string, string>;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    env = testEnv({
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      TOKEN_HEALTH_ENABLED: 'true',
      TOKEN_HEALTH_CRON: '* * * * * *',
      TOKEN_HEALTH_LEASE_SECONDS: String(LEASE_SECONDS),
      TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0',
      TOKEN_HEALTH_PROVIDER_TIMEOUT_MS: '30000',
    });
    seeder = await startTestApp({ ...env, TOKEN_HEALTH_ENABLED: 'false' });
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await seeder.close();
    await zoho.close();
    await database.drop();
  });

  const row = async (clientId: string) => {
    const [found] = await seeder.dataSource.query<
      { leaseUntil: Date | null; leaseLive: boolean | null; lastHealthCheck: Date | null; lastRefreshedAt: Date | null; status: string }[]
    >(
      `SELECT health_check_lease_until AS "leaseUntil", health_check_lease_until > now() AS "leaseLive",
              ${effectiveLastHealthCheckSql('oauth_tokens')} AS "lastHealthCheck", last_refreshed_at AS "lastRefreshedAt", token_status AS status
         FROM oauth_tokens WHERE client_id = $1`,
      [clientId],
    );
    return found;
  };

  it("is not refreshed again while the dead process's lease lasts, and exactly once after it expired", async () => {
    const due = await seedToken(seeder, { clientId: 'due', expiresInMinutes: 5 });
    await seedToken(seeder, { clientId: 'witness', expiresInMinutes: 600 });
    const calls: number[] = [];
    // The first answer comes after the victim is dead: the provider answered, the app never wrote.
    zoho.whenRefreshing(
      due.refreshToken!,
      () => (calls.push(Date.now()), { ...zohoSuccess('lost-access', { refresh_token: 'lost-rotation' }), delayMs: 1000 }),
      () => (calls.push(Date.now()), zohoSuccess('recovered-access')),
    );
    const victim = await ServerProcess.start(env);
    servers.push(victim);
    await waitUntil(() => calls.length === 1, 30_000, 'the victim asked the provider');
    await victim.stop('SIGKILL');
    const killedAt = new Date();
    const held = await row('due');
    expect(held.leaseLive).toBe(true);
    expect(held.lastRefreshedAt).toBeNull();

    const survivor = await ServerProcess.start(env);
    servers.push(survivor);
    // A cycle of the survivor has run (it checked the witness) while the lease still held.
    await waitUntil(async () => ((await row('witness')).lastHealthCheck ?? new Date(0)) > killedAt, 30_000, 'a survivor cycle');
    expect((await row('due')).leaseLive).toBe(true);
    expect(calls).toHaveLength(1);

    await waitUntil(async () => (await row('due')).lastRefreshedAt !== null, 60_000, 'the token refreshed after the lease');
    expect(calls).toHaveLength(2);
    expect(calls[1]).toBeGreaterThanOrEqual(held.leaseUntil!.getTime());
    expect((await row('due')).status).toBe('healthy');
  }, 120_000);
});
