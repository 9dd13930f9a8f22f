// The set-wise sweep classifies a table of any size: it walks the table in ranges of pages,
// so no statement outlives the pool's statement timeout, and it still skips a row another
// transaction holds.
import { OAuthTokenSweepRepository, SWEEP_BATCH_PAGES } from '../src/oauth/oauth-token-sweep.repository';
import { CheckPolicy } from '../src/oauth/stored-token';
import { TokenStatus } from '../src/oauth/token-status';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { useSecretScan } from './support/secret-scan';

useSecretScan();

const POLICY: CheckPolicy = {
  expiryWindowMinutes: 60,
  minRefreshIntervalMinutes: 10,
  refreshExpiryWarningDays: 7,
  leaseSeconds: 60,
  deadGrantRetryHours: 24,
};
/** Tokens needing no provider call, each ~1.3 kB wide (six to a page): more than two batches of pages. */
const VERIFIED_ROWS = 7000;
/** Stored last, so they sit in the final, open-ended range. */
const MISSING_REFRESH_ROWS = 3;

describe(OAuthTokenSweepRepository.name, () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ DATABASE_URL: database.url });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  beforeEach(async () => {
    await app.dataSource.query('TRUNCATE oauth_tokens');
    await app.dataSource.query(
      `INSERT INTO oauth_tokens (client_id, provider, refresh_token, access_token, token_expiry, token_status, health_check_error)
       SELECT 'tenant-' || n, 'zoho', CASE WHEN n > $1::int THEN NULL ELSE 'sealed' END,
              (SELECT string_agg(md5(n::text || part::text), '') FROM generate_series(1, 40) AS part),
              now() + interval '30 days', $3, 'before'
         FROM generate_series(1, $1::int + $2::int) AS n`,
      [VERIFIED_ROWS, MISSING_REFRESH_ROWS, TokenStatus.RefreshFailed],
    );
  });

  it('is given a table spanning more than two batches of pages', async () => {
    const [{ pages }] = await app.dataSource.query<{ pages: number }[]>(
      `SELECT (pg_relation_size('oauth_tokens') / current_setting('block_size')::int)::int AS pages`,
    );
    expect(pages).toBeGreaterThan(2 * SWEEP_BATCH_PAGES);
  });

  const sweep = (scope: { clientId?: string } = {}) =>
    app.get(OAuthTokenSweepRepository).classifyWithoutProviderCall(new Date(Date.now() + 1000), scope, POLICY);
  const statusCounts = async () => {
    const rows = await app.dataSource.query<{ token_status: TokenStatus; unchecked: number; count: number }[]>(
      `SELECT token_status, count(*) FILTER (WHERE last_health_check IS NULL)::int AS unchecked, count(*)::int AS count
         FROM oauth_tokens GROUP BY token_status ORDER BY token_status`,
    );
    return Object.fromEntries(rows.map((row) => [row.token_status, { count: row.count, unchecked: row.unchecked }]));
  };

  it('classifies every row of a table larger than one batch of pages', async () => {
    const touched = await sweep();

    expect(touched).toBe(VERIFIED_ROWS + MISSING_REFRESH_ROWS);
    expect(await statusCounts()).toEqual({
      [TokenStatus.Healthy]: { count: VERIFIED_ROWS, unchecked: 0 },
      [TokenStatus.Invalid]: { count: MISSING_REFRESH_ROWS, unchecked: 0 },
    });
  });

  it('leaves a row another transaction holds to that transaction, and classifies the rest', async () => {
    const runner = app.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(`SELECT id FROM oauth_tokens WHERE client_id = 'tenant-1' FOR UPDATE`);

      const touched = await sweep();

      expect(touched).toBe(VERIFIED_ROWS + MISSING_REFRESH_ROWS - 1);
      expect(await statusCounts()).toEqual({
        [TokenStatus.Healthy]: { count: VERIFIED_ROWS - 1, unchecked: 0 },
        [TokenStatus.Invalid]: { count: MISSING_REFRESH_ROWS, unchecked: 0 },
        [TokenStatus.RefreshFailed]: { count: 1, unchecked: 1 },
      });
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it("classifies only the asked client's rows when scoped to one client", async () => {
    const touched = await sweep({ clientId: 'tenant-5' });

    expect(touched).toBe(1);
    expect(await statusCounts()).toEqual({
      [TokenStatus.Healthy]: { count: 1, unchecked: 0 },
      [TokenStatus.RefreshFailed]: { count: VERIFIED_ROWS + MISSING_REFRESH_ROWS - 1, unchecked: VERIFIED_ROWS + MISSING_REFRESH_ROWS - 1 },
    });
  });
});
