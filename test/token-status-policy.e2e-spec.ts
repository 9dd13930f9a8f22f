// The cycle applies the status rules set-wise in SQL; the single-token path applies
// them in TypeScript (token-status.policy.ts). Both run here on the same fixture rows
// — every combination of the facts the rules look at — and must agree row by row.
// The check time is read through the exported entity: a row the sweep leaves as it was
// is not rewritten, yet counts as checked.
import { OAuthToken } from '../src/oauth/oauth-token.entity';
import { OAuthTokenLeaseRepository } from '../src/oauth/oauth-token-lease.repository';
import { OAuthTokenSweepRepository } from '../src/oauth/oauth-token-sweep.repository';
import { CheckPolicy } from '../src/oauth/stored-token';
import { TokenStatus } from '../src/oauth/token-status';
import { CheckDecision, decideCheck, isDeadGrant, needsRefresh, TokenFacts } from '../src/oauth/token-status.policy';
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
// Offsets sit well away from every boundary, so the seconds between the database's and this process's clock don't matter.
const ACCESS_EXPIRY_MINUTES = [null, -30, 5, 50, 70, 600];
const MINUTES_AGO = [null, 3, 30];
// A dead grant's last attempt: inside and outside the retry period (in minutes).
const ATTEMPT_MINUTES_AGO = [...MINUTES_AGO, 2000];
// The stored status before the check: a dead grant (invalid) follows its own rules.
const STORED = [TokenStatus.RefreshFailed, TokenStatus.Invalid];
const REFRESH_EXPIRY_DAYS = [null, -1, 3, 30];
const PRESENT = [true, false];

interface Fixture {
  clientId: string;
  stored: TokenStatus;
  hasRefreshToken: boolean;
  hasAccessToken: boolean;
  expiryMinutes: number | null;
  refreshedMinutesAgo: number | null;
  attemptedMinutesAgo: number | null;
  refreshExpiryDays: number | null;
}

function fixtures(): Fixture[] {
  const rows: Fixture[] = [];
  for (const stored of STORED)
    for (const hasRefreshToken of PRESENT)
      for (const hasAccessToken of PRESENT)
        for (const expiryMinutes of ACCESS_EXPIRY_MINUTES)
          for (const refreshedMinutesAgo of MINUTES_AGO)
            for (const attemptedMinutesAgo of ATTEMPT_MINUTES_AGO)
              for (const refreshExpiryDays of REFRESH_EXPIRY_DAYS) {
                const clientId = `c${rows.length}`;
                const fixture = {
                  clientId,
                  stored,
                  hasRefreshToken,
                  hasAccessToken,
                  expiryMinutes,
                  refreshedMinutesAgo,
                  attemptedMinutesAgo,
                  refreshExpiryDays,
                };
                rows.push(fixture);
              }
  return rows;
}

const at = (now: Date, offsetMs: number | null) => (offsetMs === null ? null : new Date(now.getTime() + offsetMs));

function factsOf(fixture: Fixture, now: Date): TokenFacts {
  return {
    status: fixture.stored,
    hasRefreshToken: fixture.hasRefreshToken,
    hasAccessToken: fixture.hasAccessToken,
    tokenExpiry: at(now, fixture.expiryMinutes === null ? null : fixture.expiryMinutes * 60_000),
    lastRefreshedAt: at(now, fixture.refreshedMinutesAgo === null ? null : -fixture.refreshedMinutesAgo * 60_000),
    lastRefreshAttemptAt: at(now, fixture.attemptedMinutesAgo === null ? null : -fixture.attemptedMinutesAgo * 60_000),
    refreshTokenExpiresAt: at(now, fixture.refreshExpiryDays === null ? null : fixture.refreshExpiryDays * 86_400_000),
  };
}

// What the SQL did to a row, in the policy's terms.
interface Observed {
  claimed: boolean;
  status: TokenStatus;
  error: string | null;
  checked: boolean;
  /** A new row version was written (a claim's lease, a changed verdict). */
  written: boolean;
}

// A dead grant kept for any reason but the attempt throttle records its check on its own row.
function keptOnItsRow(facts: TokenFacts, now: Date): boolean {
  const throttled =
    needsRefresh(facts, POLICY, now) &&
    facts.lastRefreshAttemptAt !== null &&
    facts.lastRefreshAttemptAt.getTime() > now.getTime() - POLICY.minRefreshIntervalMinutes * 60_000;
  return isDeadGrant(facts, now) && !throttled;
}

function expectedFor(decision: CheckDecision, stored: TokenStatus, keptWritten = false): Observed {
  switch (decision.action) {
    case 'refresh':
      return { claimed: true, status: stored, error: 'before', checked: false, written: true };
    case 'keep':
      return { claimed: false, status: stored, error: 'before', checked: true, written: keptWritten };
    case 'record':
      // Every fixture starts refresh_failed with a marker error, so every recorded verdict is a change.
      return { claimed: false, status: decision.verdict.status, error: decision.verdict.error, checked: true, written: true };
  }
}

describe('token status policy: SQL and TypeScript agree', () => {
  let database: TestDatabase;
  let app: TestApp;
  const rows = fixtures();
  const observed = new Map<string, Observed>();
  let now: Date;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ DATABASE_URL: database.url });
    const [{ now: dbNow }] = await app.dataSource.query<{ now: Date }[]>('SELECT now() AS now');
    now = dbNow;
    // Every row starts with its stored status and a marker error, so "left alone" is visible.
    await app.dataSource.query(
      `INSERT INTO oauth_tokens (client_id, provider, refresh_token, access_token, token_expiry, last_refreshed_at,
                                 last_refresh_attempt_at, refresh_token_expires_at, token_status, health_check_error)
       SELECT f.client_id, 'zoho', CASE WHEN f.has_refresh THEN 'sealed' END, CASE WHEN f.has_access THEN 'sealed' END,
              f.expiry, f.refreshed, f.attempted, f.refresh_expiry, f.stored, 'before'
         FROM unnest($1::text[], $2::boolean[], $3::boolean[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[],
                     $8::varchar[])
              AS f(client_id, has_refresh, has_access, expiry, refreshed, attempted, refresh_expiry, stored)`,
      [
        rows.map((row) => row.clientId),
        rows.map((row) => row.hasRefreshToken),
        rows.map((row) => row.hasAccessToken),
        ...(['tokenExpiry', 'lastRefreshedAt', 'lastRefreshAttemptAt', 'refreshTokenExpiresAt'] as const).map((key) =>
          rows.map((row) => factsOf(row, now)[key]),
        ),
        rows.map((row) => row.stored),
      ],
    );

    const versionsBefore = await rowVersions();
    const cycleStart = new Date(now.getTime() + 1000);
    const claimed = await app.get(OAuthTokenLeaseRepository).claimDue(cycleStart, {}, POLICY, rows.length);
    await app.get(OAuthTokenSweepRepository).classifyWithoutProviderCall(cycleStart, {}, POLICY);
    const claimedIds = new Set(claimed.map((token) => token.clientId));
    const versionsAfter = await rowVersions();
    for (const token of await app.dataSource.getRepository(OAuthToken).find()) {
      observed.set(token.clientId, {
        claimed: claimedIds.has(token.clientId),
        status: token.tokenStatus,
        error: token.healthCheckError,
        checked: token.lastHealthCheck !== null,
        written: versionsBefore.get(token.clientId) !== versionsAfter.get(token.clientId),
      });
    }
  });

  const rowVersions = async () =>
    new Map(
      (await app.dataSource.query<{ client_id: string; version: string }[]>('SELECT client_id, xmin::text AS version FROM oauth_tokens')).map(
        (row) => [row.client_id, row.version] as const,
      ),
    );

  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('covers every decision the policy can make', () => {
    const actions = new Set(rows.map((row) => decideCheck(factsOf(row, now), POLICY, now).action));
    const statuses = new Set(
      rows
        .map((row) => decideCheck(factsOf(row, now), POLICY, now))
        .flatMap((decision) => (decision.action === 'record' ? [decision.verdict.status] : [])),
    );
    expect([...actions].sort()).toEqual(['keep', 'record', 'refresh']);
    expect([...statuses].sort()).toEqual([TokenStatus.Expiring, TokenStatus.Healthy, TokenStatus.Invalid]);
  });

  it.each(fixtures().map((row) => [describeFixture(row), row] as const))('%s', (_name, row) => {
    const facts = factsOf(row, now);
    expect(observed.get(row.clientId)).toEqual(expectedFor(decideCheck(facts, POLICY, now), row.stored, keptOnItsRow(facts, now)));
  });
});

function describeFixture(row: Fixture): string {
  const minutes = (value: number | null, what: string) => (value === null ? `no ${what}` : `${what} ${value} min`);
  return [
    `stored ${row.stored}`,
    row.hasRefreshToken ? 'refresh token' : 'no refresh token',
    row.hasAccessToken ? 'access token' : 'no access token',
    row.expiryMinutes === null ? 'expiry unknown' : `expires in ${row.expiryMinutes} min`,
    minutes(row.refreshedMinutesAgo, 'refreshed ago'),
    minutes(row.attemptedMinutesAgo, 'attempted ago'),
    row.refreshExpiryDays === null ? 'refresh token expiry unknown' : `refresh token expires in ${row.refreshExpiryDays} d`,
  ].join(', ');
}
