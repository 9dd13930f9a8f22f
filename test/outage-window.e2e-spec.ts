// Outage verdicts over a sliding window of attempts (PROVIDER_OUTAGE_WINDOW_MINUTES, here 3 s):
// they need no quiet moment with nothing in flight, hold a transient failure at most one
// window, and close an incident only on successes.
import { ProviderOutageService } from '../src/token-health/outages/provider-outage.service';
import { TokenAlertService } from '../src/token-health/token-alert.service';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { seedToken } from './factories/token.factory';
import { AlertSinks, settle, waitUntil } from './support/alert-sinks';
import { FakeOAuthProvider, zohoSuccess } from './support/fake-oauth-provider';
import { useSecretScan } from './support/secret-scan';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';

const scan = useSecretScan();
const FLEET = 40;

describe('provider outage windows', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let sinks: AlertSinks;
  let app: TestApp;

  const down = () => (zoho.defaultBehaviour = () => ({ status: 500, body: 'accounts server error' }));
  const seedFleet = async (count: number) => {
    const tokens: string[] = [];
    for (let i = 0; i < count; i++) tokens.push((await seedToken(app, { clientId: `tenant-${i}`, expiresInMinutes: 5 })).refreshToken!);
    return tokens;
  };
  const cycle = async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
    await app.get(TokenHealthService).checkAndAlert({});
  };
  // Another replica (or a hand-out) in the middle of a refresh of this provider.
  const leasedElsewhere = () =>
    app.dataSource.query(`UPDATE oauth_tokens SET health_check_lease_until = now() + interval '1 minute' WHERE client_id = 'elsewhere'`);
  const queuedTitles = async () =>
    (await app.dataSource.query<{ title: string }[]>(`SELECT payload->>'title' AS title FROM alert_outbox WHERE channel = 'slack' ORDER BY id`)).map(
      (row) => row.title,
    );
  const openIncidents = async () =>
    (await app.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM provider_outages WHERE closed_at IS NULL`))[0].n;

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    sinks = await AlertSinks.start();
    app = await startTestApp({
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      ...sinks.env(),
      // The dispatcher stays out of the way: alerts are counted as queued rows.
      ALERT_DISPATCH_INTERVAL_MS: '3600000',
      TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0',
      TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1',
      PROVIDER_OUTAGE_WINDOW_MINUTES: '0.05',
    });
  }, 60_000);

  beforeEach(async () => {
    zoho.reset();
    await app.dataSource.query('TRUNCATE oauth_tokens, alert_outbox, provider_outages');
    await seedToken(app, { clientId: 'elsewhere', expiresInMinutes: 600 });
  });

  afterAll(async () => {
    await app.close();
    await Promise.all([zoho.close(), sinks.close()]);
    await database.drop();
  });

  it('opens an outage while refreshes of the provider are in flight elsewhere', async () => {
    await seedFleet(FLEET);
    down();
    await leasedElsewhere();

    await cycle();

    expect(await queuedTitles()).toEqual(['Provider outage: zoho']);
    expect(await openIncidents()).toBe(1);
  }, 30_000);

  it('holds a transient failure with refreshes in flight beside it for one window, then alerts it', async () => {
    await seedFleet(FLEET);
    zoho.defaultBehaviour = () => zohoSuccess();
    const { refreshToken } = await seedToken(app, { clientId: 'flaky', expiresInMinutes: 5 });
    zoho.whenRefreshing(refreshToken!, { status: 503, body: 'busy' });
    await leasedElsewhere();

    await cycle();

    expect(await queuedTitles()).toEqual([]);
    await waitUntil(async () => (await queuedTitles()).length > 0, 15_000, 'the held failure alerted');
    expect(await queuedTitles()).toEqual(['OAuth Token refresh_failed: flaky/zoho']);
  }, 30_000);

  it('keeps an incident open while nothing succeeds, even when nothing is attempted any more', async () => {
    await seedFleet(FLEET);
    down();
    await cycle();
    expect(await openIncidents()).toBe(1);

    await settle(3500); // the failures age out of the window; nothing new is attempted
    await app.get(TokenAlertService).raiseDueAlerts();

    expect(await openIncidents()).toBe(1);
    expect(await queuedTitles()).toEqual(['Provider outage: zoho']);
  }, 30_000);

  it('closes the incident once refreshes succeed again', async () => {
    await seedFleet(FLEET);
    down();
    await cycle();
    zoho.defaultBehaviour = () => zohoSuccess();

    await cycle();

    expect(await openIncidents()).toBe(0);
    expect(await queuedTitles()).toEqual(['Provider outage: zoho', 'Provider recovered: zoho']);
  }, 30_000);

  it('leaves failures that land between a verdict and its raise to the next verdict', async () => {
    await seedFleet(FLEET);
    const holds = await app.get(ProviderOutageService).evaluate();
    // Another replica's refreshes fail right after this one read the window.
    await app.dataSource.query(
      `UPDATE oauth_tokens SET token_status = 'refresh_failed', health_check_error = 'Refresh failed, will retry: HTTP 500',
              last_refresh_attempt_at = now() WHERE client_id IN ('tenant-1', 'tenant-2', 'tenant-3')`,
    );

    await app.get(TokenAlertService).raiseDueAlerts(undefined, holds);
    expect(await queuedTitles()).toEqual([]);

    await app.get(TokenAlertService).raiseDueAlerts();
    expect(await queuedTitles()).toHaveLength(3);
  }, 30_000);

  it('writes no token or secret into any log or sink', async () => {
    await scan.expectNoLeaks();
  });
});
