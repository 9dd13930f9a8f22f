// Fault scenario 3: the PostgreSQL server restarts while a cycle is in flight.
// A dedicated cluster (not the run's shared one) is stopped and started on the same port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedToken } from '../factories/token.factory';
import { waitUntil } from '../support/alert-sinks';
import { DatabaseProcess } from '../support/database-process';
import { FakeOAuthProvider } from '../support/fake-oauth-provider';
import { ServerProcess } from '../support/server-process';
import { startTestApp, testEnv } from '../support/test-app';
import { useSecretScan } from '../support/secret-scan';

useSecretScan();

describe('database restart mid-cycle', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'token-health-restart-'));
  const port = 30000 + Math.floor(Math.random() * 20000);
  let database: DatabaseProcess;
  let zoho: FakeOAuthProvider;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    database = await DatabaseProcess.start(dataDir, port);
    zoho = await FakeOAuthProvider.start();
  });

  afterAll(async () => {
    await server?.stop();
    await database?.stop();
    await zoho.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fails the cycle cleanly, reports 503 while the database is down, and recovers by itself', async () => {
    const env = testEnv({
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      TOKEN_HEALTH_LEASE_SECONDS: '3',
      TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0',
      TOKEN_HEALTH_PROVIDER_TIMEOUT_MS: '10000',
    });
    const seeder = await startTestApp({ ...env, TOKEN_HEALTH_ENABLED: 'false' });
    await Promise.all(Array.from({ length: 10 }, (_, i) => seedToken(seeder, { clientId: `restart-${i}`, expiresInMinutes: 5 })));
    await seeder.close();
    zoho.latencyMs = 1500;
    server = await ServerProcess.start({ ...env, TOKEN_HEALTH_ENABLED: 'true', TOKEN_HEALTH_CRON: '*/2 * * * * *' });
    const health = () =>
      fetch(`${server!.url}/health`).then(
        (r) => r.status,
        () => 0,
      );
    await waitUntil(() => zoho.refreshCount() >= 3, 15_000, 'refreshes in flight');

    await database.stop();

    // The first probe after the stop already answers 503 (each readiness check is bounded by 2 s).
    expect(await health()).toBe(503);
    await waitUntil(() => cycleFailures(server!.logs()).length >= 2, 10_000, 'two failed cycles');
    expect(server.child.exitCode).toBeNull();
    // One line per failed cycle, without a stack: cycles start on the 2-second cron ticks and never
    // overlap (waitForCompletion), so the lines of different cycles fall into different tick slots.
    const failures = cycleFailures(server.logs());
    for (const failure of failures) {
      expect(failure).toMatchObject({ level: 'error', message: expect.stringMatching(/^Token health cycle failed: /) });
      expect(failure).not.toHaveProperty('stack');
      expect(failure.message).not.toMatch(/\n\s+at /);
    }
    expect(new Set(failures.map((failure) => Math.floor(failure.timestamp / 2000))).size).toBe(failures.length);

    database = await DatabaseProcess.start(dataDir, port);
    zoho.latencyMs = 0;
    // Within two cron ticks of the restart a cycle completes and readiness is back.
    await waitUntil(async () => (await health()) === 200, 12_000, '/health 200 after the restart');
    const checker = await startTestApp({ ...env, TOKEN_HEALTH_ENABLED: 'false' });
    try {
      const since = new Date();
      await waitUntil(
        async () => {
          const [{ n }] = await checker.dataSource.query(
            `SELECT count(*)::int AS n FROM oauth_tokens WHERE token_status = 'healthy' AND last_refreshed_at > $1`,
            [since],
          );
          return n === 10;
        },
        12_000,
        'a successful cycle after the restart',
      );
      const [{ broken }] = await checker.dataSource.query(
        `SELECT count(*)::int AS broken FROM oauth_tokens WHERE refresh_token IS NULL OR refresh_token NOT LIKE 'v2:%'`,
      );
      expect(broken).toBe(0);
    } finally {
      await checker.close();
    }
  }, 120_000);
});

interface LogEntry {
  level: string;
  timestamp: number;
  message: string;
  context?: string;
}

/** Every error the checker's service logged (the server logs JSON lines). */
function cycleFailures(logs: string): LogEntry[] {
  return logs
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogEntry)
    .filter((entry) => entry.context === 'TokenHealthService' && (entry.level === 'error' || entry.level === 'fatal'));
}
