import request from 'supertest';
import { HealthController } from '../src/health/health.controller';
import { AlertOutboxRepository } from '../src/alerting/alert-outbox.repository';
import { OAuthTokenFleetRepository } from '../src/oauth/oauth-token-fleet.repository';
import { TokenStatus } from '../src/oauth/token-status';
import { TokenCountsCache } from '../src/token-health/token-counts.cache';
import { seedToken } from './factories/token.factory';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { TcpProxy } from './support/tcp-proxy';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TEST_CLIENT_SECRET, TestApp } from './support/test-app';
import { useSecretScan } from './support/secret-scan';
import { httpServer } from './factories/http-server';
import { ReservedPool } from '../src/database/reserved-pool';

useSecretScan();

/** Terminus' answer: each check's details under its key. */
interface HealthBody {
  status: string;
  details: {
    database: { status: string };
    tokenHealth: {
      status: string;
      lastCompletedCycleAt: string | null;
      scheduled: boolean;
      counts: Record<string, number> | null;
      countsAt: string | null;
      message?: string;
    };
  };
}

interface HealthResponse {
  status: number;
  text: string;
  body: HealthBody;
}

async function getHealth(app: TestApp, path = '/health'): Promise<HealthResponse> {
  const response = await request(httpServer(app)).get(path);
  return { status: response.status, text: response.text, body: response.body as HealthBody };
}

/** Polls /health until it answers `status` (and `also` holds), and returns that answer. */
async function waitForHealth(app: TestApp, status: number, timeoutMs: number, also = (_: HealthResponse) => true): Promise<HealthResponse> {
  const deadline = Date.now() + timeoutMs;
  let last = await getHealth(app);
  while (last.status !== status || !also(last)) {
    if (Date.now() > deadline) throw new Error(`/health did not answer as expected within ${timeoutMs} ms; last: ${last.status} ${last.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await getHealth(app);
  }
  return last;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
}

describe(HealthController.name, () => {
  describe('with the database reachable', () => {
    let database: TestDatabase;
    let app: TestApp;

    beforeAll(async () => {
      database = await createTestDatabase();
      app = await startTestApp({ DATABASE_URL: database.url });
    });

    beforeEach(() => app.dataSource.query('TRUNCATE oauth_tokens'));

    afterAll(async () => {
      await app?.close();
      await database?.drop();
    });

    it('is ready with tokens in every status, showing the cached counts per status', async () => {
      await seedToken(app, { clientId: 'acme', status: TokenStatus.Healthy });
      await seedToken(app, { clientId: 'globex', status: TokenStatus.Expiring });
      await seedToken(app, { clientId: 'initech', status: TokenStatus.RefreshFailed });
      await seedToken(app, { clientId: 'umbrella', status: TokenStatus.Invalid });
      await app.get(TokenCountsCache).refresh();

      const response = await getHealth(app);

      expect(response.status).toBe(200);
      expect(response.body.status).toBe('ok');
      expect(response.body.details.database.status).toBe('up');
      const tokenHealth = response.body.details.tokenHealth;
      expect(tokenHealth.status).toBe('up');
      expect(tokenHealth.counts).toEqual({ healthy: 1, expiring: 1, refresh_failed: 1, invalid: 1 });
    });

    it('names no tenant (counts only)', async () => {
      await seedToken(app, { clientId: 'tenant-name-globex', status: TokenStatus.Expiring });
      await seedToken(app, { clientId: 'tenant-name-umbrella', status: TokenStatus.Invalid });
      await app.get(TokenCountsCache).refresh();

      const response = await getHealth(app);

      expect(response.body.details.tokenHealth.counts).toMatchObject({ expiring: 1, invalid: 1 });
      expect(response.text).not.toContain('tenant-name');
      expect(response.text).not.toContain('clientId');
    });

    it('runs no oauth_tokens query per probe or scrape, however many arrive at once (health flood)', async () => {
      await Promise.all(Array.from({ length: 20 }, () => seedToken(app, { status: TokenStatus.Invalid })));
      const statements: string[] = [];
      const pings: string[] = [];
      const logger = app.dataSource.logger;
      const logQuery = logger.logQuery.bind(logger);
      logger.logQuery = (query, parameters, queryRunner) => {
        statements.push(query);
        logQuery(query, parameters, queryRunner);
      };
      // The probe pings through the reserved pool; probes in flight together share one ping.
      const reservedLogger = app.get(ReservedPool).dataSource.logger;
      const logReservedQuery = reservedLogger.logQuery.bind(reservedLogger);
      reservedLogger.logQuery = (query, parameters, queryRunner) => {
        pings.push(query);
        logReservedQuery(query, parameters, queryRunner);
      };
      const counted = jest.spyOn(app.get(OAuthTokenFleetRepository), 'countByProviderAndStatus');
      const backlogRead = jest.spyOn(app.get(AlertOutboxRepository), 'pendingByChannel');
      try {
        const server = httpServer(app);
        const answers = await Promise.all([
          ...Array.from({ length: 200 }, () => request(server).get('/health')),
          ...Array.from({ length: 50 }, () => request(server).get('/metrics')),
        ]);

        expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
        expect(pings.filter((statement) => /select 1/i.test(statement)).length).toBeGreaterThanOrEqual(1);
        expect(pings.filter((statement) => statement.includes('oauth_tokens'))).toEqual([]);
        // Only the cache's own background refresh (every 15 s) may have read the table meanwhile.
        expect(statements.filter((statement) => statement.includes('oauth_tokens'))).toHaveLength(counted.mock.calls.length);
        expect(counted.mock.calls.length).toBeLessThanOrEqual(2);
        // The outbox backlog gauges too (no channel is enabled here, so nothing else reads the outbox).
        expect(statements.filter((statement) => statement.includes('alert_outbox'))).toHaveLength(backlogRead.mock.calls.length);
        expect(backlogRead.mock.calls.length).toBeLessThanOrEqual(2);
      } finally {
        logger.logQuery = logQuery;
        reservedLogger.logQuery = logReservedQuery;
        counted.mockRestore();
        backlogRead.mockRestore();
      }
    });

    it('gives every pooled session server-side timeouts, so an abandoned query or transaction is ended (statement timeouts)', async () => {
      const sessions = await Promise.all(
        Array.from({ length: 3 }, () =>
          app.dataSource.transaction(async (manager) => ({
            statement: (await manager.query('SHOW statement_timeout'))[0].statement_timeout,
            idle: (await manager.query('SHOW idle_in_transaction_session_timeout'))[0].idle_in_transaction_session_timeout,
          })),
        ),
      );

      // 3 attempts x (1 s provider timeout + 10 s longest pause) + 60 s, with the test's provider timeout.
      expect(sessions).toEqual(sessions.map(() => ({ statement: '1min', idle: '93s' })));
    });

    it('stays ready when every token is unhealthy', async () => {
      await seedToken(app, { status: TokenStatus.Invalid });
      await seedToken(app, { status: TokenStatus.RefreshFailed });
      await app.get(TokenCountsCache).refresh();

      const response = await getHealth(app);

      expect(response.status).toBe(200);
      expect(response.body.details.tokenHealth.counts).toEqual({ healthy: 0, expiring: 0, refresh_failed: 1, invalid: 1 });
    });

    it('shows no secret and no error text', async () => {
      const token = await seedToken(app, { clientId: 'initech', accessToken: '1000.access.health-secret', status: TokenStatus.RefreshFailed });
      const errorText = `refresh failed for ${token.refreshToken} with client_secret=${TEST_CLIENT_SECRET}`;
      await app.dataSource.query('UPDATE oauth_tokens SET health_check_error = $1', [errorText]);

      const response = await getHealth(app);

      expect(response.status).toBe(200);
      for (const secret of [token.refreshToken!, '1000.access.health-secret', TEST_CLIENT_SECRET, 'refresh failed for']) {
        expect(response.text).not.toContain(secret);
      }
    });

    it('answers liveness', async () => {
      const response = await getHealth(app, '/health/live');

      expect(response.status).toBe(200);
      expect(response.body.status).toBe('ok');
    });
  });

  describe('when the database becomes unreachable', () => {
    let database: TestDatabase;
    let proxy: TcpProxy;
    let app: TestApp;

    beforeAll(async () => {
      database = await createTestDatabase();
      proxy = await TcpProxy.inFrontOf(database.url);
      app = await startTestApp({ DATABASE_URL: proxy.url });
    });

    afterEach(() => proxy.resume());

    afterAll(async () => {
      await app?.close();
      await proxy?.close();
      await database?.drop();
    });

    it('is not ready while connections are refused, and ready again when the database is back', async () => {
      await waitForHealth(app, 200, 5_000);

      proxy.pause();
      const down = await timed(() => getHealth(app));

      expect(down.result.status).toBe(503);
      expect(down.result.body.details.database.status).toBe('down');
      // Both readiness checks are bounded by 2 s and run side by side.
      expect(down.ms).toBeLessThan(2_000 + 1_000);
      expect(down.result.text).not.toContain(database.url);

      await proxy.resume();
      const up = await waitForHealth(app, 200, 10_000);
      expect(up.body.details.database.status).toBe('up');
      expect(up.body.details.tokenHealth.status).toBe('up');
    });

    it('keeps answering liveness while the database is down', async () => {
      proxy.pause();

      expect((await getHealth(app, '/health/live')).status).toBe(200);
    });

    it('answers 503 within the ping timeout when the database stops answering, and recovers', async () => {
      await waitForHealth(app, 200, 10_000);

      proxy.blackhole();
      const down = await timed(() => getHealth(app));

      expect(down.result.status).toBe(503);
      expect(down.result.body.details.database.status).toBe('down');
      expect(down.ms).toBeLessThan(2_000 + 1_000);

      await proxy.resume();
      await waitForHealth(app, 200, 10_000);
    });

    it('recovers when a partition that held every pooled connection ends in resets', async () => {
      await waitForHealth(app, 200, 10_000);
      proxy.blackhole();
      // Each timed-out probe leaves its queries hanging on pooled connections: more than the pool holds.
      const probes = await Promise.all(Array.from({ length: 15 }, () => getHealth(app)));
      expect(probes.map((probe) => probe.status)).toEqual(probes.map(() => 503));

      proxy.pause();
      await proxy.resume();

      await waitForHealth(app, 200, 10_000);
    });

    it('recovers from repeated outages', async () => {
      for (let outage = 0; outage < 3; outage++) {
        proxy.pause();
        await waitForHealth(app, 503, 5_000);
        await proxy.resume();
        await waitForHealth(app, 200, 10_000);
      }
    });
  });

  describe('when the periodic check stalls', () => {
    let database: TestDatabase;
    let zoho: FakeOAuthProvider;
    let app: TestApp;

    beforeAll(async () => {
      database = await createTestDatabase();
      zoho = await FakeOAuthProvider.start();
      app = await startTestApp({
        DATABASE_URL: database.url,
        ZOHO_ACCOUNTS_URL: zoho.url,
        TOKEN_HEALTH_ENABLED: 'true',
        TOKEN_HEALTH_CRON: '* * * * * *',
        // A cycle stuck on an unanswered refresh completes only after this timeout.
        TOKEN_HEALTH_PROVIDER_TIMEOUT_MS: '5000',
        TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1',
      });
    });

    afterAll(async () => {
      await app?.close();
      await zoho?.close();
      await database?.drop();
    });

    const cycleCompleted = (response: HealthResponse) => response.body.details?.tokenHealth?.lastCompletedCycleAt != null;

    it('is ready once scheduled cycles complete', async () => {
      const response = await waitForHealth(app, 200, 5_000, cycleCompleted);

      expect(response.body.details.tokenHealth).toMatchObject({ status: 'up', scheduled: true });
    });

    it('is not ready while no cycle completes for two intervals, and ready again when one does', async () => {
      await waitForHealth(app, 200, 5_000, cycleCompleted);
      const { refreshToken } = await seedToken(app, { clientId: 'acme', expiresInMinutes: 5 });
      zoho.whenRefreshing(refreshToken!, { hang: true });

      const stalled = await waitForHealth(app, 503, 5_000);
      const stalledScrape = await request(httpServer(app)).get('/metrics');

      expect(stalled.body.details.database.status).toBe('up');
      expect(stalled.body.details.tokenHealth).toMatchObject({ status: 'down', message: expect.stringMatching(/not completed a cycle/) });
      const ready = await waitForHealth(app, 200, 10_000);
      // Ready again because a cycle completed after the stall was seen (an ordering, not a wall-clock bound).
      const completedAt = (response: HealthResponse) => new Date(response.body.details.tokenHealth.lastCompletedCycleAt!).getTime();
      expect(completedAt(ready)).toBeGreaterThan(completedAt(stalled));
      // /metrics says what /health said, for the alert rule that watches it.
      expect(stalledScrape.text).toMatch(/^token_health_checker_stalled 1$/m);
      expect((await request(httpServer(app)).get('/metrics')).text).toMatch(/^token_health_checker_stalled 0$/m);
      // The counts are refreshed right after each completed cycle.
      await waitForHealth(app, 200, 5_000, (response) => response.body.details.tokenHealth.counts?.refresh_failed === 1);
    });
  });
});
