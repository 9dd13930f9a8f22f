// Fault scenario 1: three replicas of the built server on one database, a
// 2-second cron, 500 tokens of which 50 expire soon and 5 are revoked.
import { effectiveLastHealthCheckSql } from '../../src/oauth/effective-health-check.sql';
import { seedToken } from '../factories/token.factory';
import { AlertSinks, settle, waitUntil } from '../support/alert-sinks';
import { FakeOAuthProvider } from '../support/fake-oauth-provider';
import { ServerProcess } from '../support/server-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { startTestApp, TestApp, testEnv } from '../support/test-app';
import { useSecretScan } from '../support/secret-scan';

const scan = useSecretScan();

describe('three replicas on one database', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let sinks: AlertSinks;
  let seeder: TestApp;
  let replicas: ServerProcess[] = [];
  const revoked: string[] = [];
  const expiring: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    sinks = await AlertSinks.start();
    const env = testEnv({
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      ALERT_DISPATCH_INTERVAL_MS: '200',
      ...sinks.env(),
    });
    seeder = await startTestApp(env);
    for (let i = 0; i < 500; i++) {
      const soon = i < 55;
      const seeded = await seedToken(seeder, { clientId: `tenant-${i}`, expiresInMinutes: soon ? 5 : 600 });
      if (i < 5) revoked.push(seeded.refreshToken!);
      else if (soon) expiring.push(seeded.refreshToken!);
    }
    for (const token of revoked) zoho.whenRefreshing(token, { status: 200, body: { error: 'invalid_code' } });
    zoho.latencyMs = 20;
    replicas = await Promise.all(
      [1, 2, 3].map(() => ServerProcess.start({ ...env, TOKEN_HEALTH_ENABLED: 'true', TOKEN_HEALTH_CRON: '*/2 * * * * *' })),
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await seeder.close();
    await Promise.all([zoho.close(), sinks.close()]);
    await database.drop();
  });

  it('refreshes every expiring token exactly once, alerts each revoked token once per channel, and sends no outbox row twice', async () => {
    await waitUntil(
      async () => {
        const [{ checked }] = await seeder.dataSource.query(
          `SELECT count(*)::int AS checked FROM oauth_tokens WHERE ${effectiveLastHealthCheckSql('oauth_tokens')} IS NOT NULL`,
        );
        return checked === 500 && sinks.twilio.requests.length >= 5;
      },
      30_000,
      'all tokens checked and alerts delivered',
    );
    await settle(5000); // two more cycles

    const perToken = new Map<string, number>();
    for (const request of zoho.requestsTo('/oauth/v2/token')) perToken.set(request.refreshToken!, (perToken.get(request.refreshToken!) ?? 0) + 1);
    expect([...perToken.keys()].sort()).toEqual([...expiring, ...revoked].sort());
    expect([...perToken.values()].every((count) => count === 1)).toBe(true);

    await sinks.smtp.waitFor(5, 10_000);
    expect(sinks.slack.requests).toHaveLength(5);
    expect(sinks.smtp.messages).toHaveLength(5);
    expect(sinks.twilio.requests).toHaveLength(5);
    const [{ sent, total }] = await seeder.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*)::int AS total FROM alert_outbox`,
    );
    expect({ sent, total }).toEqual({ sent: 15, total: 15 });

    const statuses = await seeder.dataSource.query('SELECT token_status, count(*)::int AS n FROM oauth_tokens GROUP BY 1 ORDER BY 1');
    expect(statuses).toEqual([
      { token_status: 'healthy', n: 495 },
      { token_status: 'invalid', n: 5 },
    ]);
  }, 90_000);

  it('writes no token or secret into any replica log, the seeder log or any sink', async () => {
    // 500 seeded refresh + access tokens, 50 issued access tokens, the env's secrets.
    expect(scan.size.secrets).toBeGreaterThanOrEqual(1000 + expiring.length);
    await scan.expectNoLeaks();
  });
});
