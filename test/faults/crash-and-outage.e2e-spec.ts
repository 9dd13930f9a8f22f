// Fault scenarios 2 and 5: a replica killed with SIGKILL mid-cycle, and alert
// channels (Slack webhook, SMTP) down for a while and then back.
import { seedToken } from '../factories/token.factory';
import { AlertSinks, settle, waitUntil } from '../support/alert-sinks';
import { FakeOAuthProvider, zohoSuccess } from '../support/fake-oauth-provider';
import { ServerProcess } from '../support/server-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp, testEnv } from '../support/test-app';
import { OAuthTokenRepository } from '../../src/oauth/oauth-token.repository';
import { useSecretScan } from '../support/secret-scan';

useSecretScan();

describe('crashes and outages', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let sinks: AlertSinks;
  let seeder: TestApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    sinks = await AlertSinks.start();
    env = testEnv({
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      ALERT_DISPATCH_INTERVAL_MS: '200',
      TOKEN_HEALTH_LEASE_SECONDS: '3',
      TOKEN_HEALTH_PROVIDER_TIMEOUT_MS: '10000',
      ...sinks.env(),
    });
    seeder = await startTestApp(env);
  });

  beforeEach(async () => {
    zoho.reset();
    sinks.reset();
    await seeder.dataSource.query('TRUNCATE oauth_tokens, alert_outbox');
  });

  afterAll(async () => {
    await seeder.close();
    await Promise.all([zoho.close(), sinks.close()]);
    await database.drop();
  });

  it('recovers from kill -9 while refreshes are in flight: leases expire, the next cycle checks them, no token is lost or half-written', async () => {
    const seeds = await Promise.all(Array.from({ length: 20 }, (_, i) => seedToken(seeder, { clientId: `crash-${i}`, expiresInMinutes: 5 })));
    for (const seed of seeds)
      zoho.whenRefreshing(seed.refreshToken!, { ...zohoSuccess('new-access', { refresh_token: `${seed.refreshToken}-rotated` }), delayMs: 4000 });
    const victim = await ServerProcess.start({ ...env, TOKEN_HEALTH_ENABLED: 'true', TOKEN_HEALTH_CRON: '*/2 * * * * *' });
    await waitUntil(() => zoho.refreshCount() >= 5, 15_000, 'refreshes in flight');

    await victim.stop('SIGKILL');

    const [{ leased }] = await seeder.dataSource.query('SELECT count(*)::int AS leased FROM oauth_tokens WHERE health_check_lease_until > now()');
    expect(leased).toBeGreaterThan(0);
    for (const seed of seeds) zoho.whenRefreshing(seed.refreshToken!, zohoSuccess('after-crash', { refresh_token: `${seed.refreshToken}-rotated` }));
    const survivor = await ServerProcess.start({
      ...env,
      TOKEN_HEALTH_ENABLED: 'true',
      TOKEN_HEALTH_CRON: '*/2 * * * * *',
      TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0',
    });
    try {
      await waitUntil(
        async () => {
          const rows = await seeder.dataSource.query(
            `SELECT count(*)::int AS n FROM oauth_tokens WHERE token_status = 'healthy' AND last_refreshed_at IS NOT NULL`,
          );
          return rows[0].n === seeds.length;
        },
        30_000,
        'every token refreshed after the restart',
      );
      const rows = await seeder.dataSource.query<{ refresh_token: string | null }[]>('SELECT refresh_token FROM oauth_tokens');
      expect(rows).toHaveLength(seeds.length);
      expect(rows.every((row) => typeof row.refresh_token === 'string' && row.refresh_token.startsWith('v2:'))).toBe(true);
      // Decrypted and compared: the rotated refresh token (not the access token, not the old one) is what is stored.
      const repository = seeder.get(OAuthTokenRepository);
      const stored = await Promise.all(seeds.map((seed) => repository.findToken(seed.clientId, 'zoho')));
      expect(stored.map((token) => token?.refreshToken)).toEqual(seeds.map((seed) => `${seed.refreshToken}-rotated`));
      expect(stored.map((token) => token?.accessToken)).toEqual(seeds.map(() => 'after-crash'));
      const [{ stale }] = await seeder.dataSource.query('SELECT count(*)::int AS stale FROM oauth_tokens WHERE health_check_lease_until < now()');
      expect(stale).toBe(0);
    } finally {
      await survivor.stop();
    }
  }, 90_000);

  it('delivers every alert queued while Slack and SMTP were down exactly once when they are back; SMS unaffected', async () => {
    const server = await ServerProcess.start(env);
    const slackPort = Number(new URL(sinks.slack.url).port);
    await sinks.slack.close();
    const smtpPort = Number(new URL(sinks.smtp.url).port);
    await sinks.smtp.close();
    try {
      await Promise.all(Array.from({ length: 3 }, (_, i) => seedToken(seeder, { clientId: `outage-${i}`, refreshToken: null })));
      await graphql(server, 'mutation { checkTokenHealth { status } }');

      await sinks.twilio.waitFor(3);
      const schedule = await watchRetrySchedule(seeder, ['slack', 'email'], 3);
      const [{ pending }] = await seeder.dataSource.query(
        `SELECT count(*)::int AS pending FROM alert_outbox WHERE status = 'pending' AND attempts > 0`,
      );
      expect(pending).toBe(6);
      // Backoff, read from the outbox: the retry after attempt k is due 2^(k-1) s later (±25 % jitter),
      // so consecutive next_attempt_at values of one row lie at least 0.75 × 2^k s apart, and the gaps grow.
      expect(schedule.size).toBe(6);
      const gaps = [...schedule.values()].map((dueAt) =>
        [1, 2].map((k) => (dueAt.has(k) && dueAt.has(k + 1) ? dueAt.get(k + 1)! - dueAt.get(k)! : undefined)),
      );
      // And without sampling: after a attempts a row's next_attempt_at is at least 0.75 × (1 + 2 + … + 2^(a-1)) s after it was queued.
      const spans: { attempts: number; seconds: number }[] = await seeder.dataSource.query(
        `SELECT attempts, extract(epoch FROM next_attempt_at - created_at)::float8 AS seconds
           FROM alert_outbox WHERE channel IN ('slack', 'email') AND status = 'pending' AND locked_until IS NULL`,
      );
      expect(spans.length).toBeGreaterThan(0);
      for (const { attempts, seconds } of spans) expect(seconds).toBeGreaterThanOrEqual(0.75 * (2 ** attempts - 1));
      for (const [first, second] of gaps) {
        if (first !== undefined) expect(first).toBeGreaterThanOrEqual(0.75 * 2 * 1000);
        if (second !== undefined) expect(second).toBeGreaterThanOrEqual(0.75 * 4 * 1000);
        if (first !== undefined && second !== undefined) expect(second).toBeGreaterThan(first);
      }

      const [{ dueInMs }] = await seeder.dataSource.query<{ dueInMs: number }[]>(
        `SELECT greatest(0, extract(epoch FROM max(next_attempt_at) - now()) * 1000)::int AS "dueInMs" FROM alert_outbox WHERE status = 'pending'`,
      );
      await sinks.restartOn(slackPort, smtpPort);
      // Delivered once the last retry is due: its backoff plus a dispatch interval and a delivery, with room for a slow machine.
      await sinks.slack.waitFor(3, dueInMs + 5000);
      await sinks.smtp.waitFor(3, dueInMs + 5000);
      await settle(2000);
      expect(sinks.slack.requests).toHaveLength(3);
      expect(sinks.smtp.messages).toHaveLength(3);
      expect(sinks.twilio.requests).toHaveLength(3);
    } finally {
      await server.stop();
    }
  }, 90_000);
});

/**
 * Polls the outbox until every pending row has been attempted `attempts` times; returns, per row,
 * the next_attempt_at (ms) scheduled after each attempt. Rows still leased are mid-attempt and skipped.
 */
async function watchRetrySchedule(app: TestApp, channels: string[], attempts: number): Promise<Map<string, Map<number, number>>> {
  const schedule = new Map<string, Map<number, number>>();
  await waitUntil(
    async () => {
      const rows: { id: string; attempts: number; due: string; leased: boolean }[] = await app.dataSource.query(
        `SELECT id::text, attempts, (extract(epoch FROM next_attempt_at) * 1000)::float8 AS due, locked_until IS NOT NULL AS leased
         FROM alert_outbox WHERE status = 'pending' AND channel = ANY($1)`,
        [channels],
      );
      for (const row of rows) {
        const dueAt = schedule.get(row.id) ?? new Map<number, number>();
        if (row.attempts > 0 && !row.leased) dueAt.set(row.attempts, Number(row.due));
        schedule.set(row.id, dueAt);
      }
      return rows.length > 0 && rows.every((row) => row.attempts >= attempts);
    },
    20_000,
    `every pending alert attempted ${attempts} times`,
  );
  return schedule;
}

async function graphql(server: ServerProcess, query: string) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    body: JSON.stringify({ query }),
  });
  return response.json();
}
