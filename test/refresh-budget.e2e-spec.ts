import { randomUUID } from 'node:crypto';
import { RefreshBudgetRepository } from '../src/oauth/pacing/refresh-budget.repository';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp, testEnv } from './support/test-app';

describe(RefreshBudgetRepository.name, () => {
  let database: TestDatabase;
  let app: TestApp;
  let sut: RefreshBudgetRepository;
  const [replicaA, replicaB] = [randomUUID(), randomUUID()];
  const request = (overrides: Partial<Parameters<RefreshBudgetRepository['grant']>[0]> = {}) => ({
    key: 'zoho',
    replica: replicaA,
    inFlight: 0,
    want: 100,
    answered: 0,
    ...overrides,
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp(testEnv({ DATABASE_URL: database.url }));
    sut = app.get(RefreshBudgetRepository);
  });

  beforeEach(async () => {
    await app.dataSource.query('TRUNCATE provider_refresh_budgets, provider_refresh_in_flight');
    await sut.ensure('zoho');
  });

  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('grants what is asked while no rate is configured or learnt', async () => {
    expect((await sut.grant(request({ want: 37 }), 120)).granted).toBe(37);
  });

  it('grants no more than the bucket holds: a fifth of a second of the rate', async () => {
    await app.dataSource.query(`UPDATE provider_refresh_budgets SET tokens = 0, refilled_at = clock_timestamp() - interval '10 seconds'`);

    const first = await sut.grant(request({ maxRate: 20 }), 120);
    const second = await sut.grant(request({ maxRate: 20 }), 120);

    expect(first.granted).toBe(4);
    expect(second.granted).toBe(0);
  });

  it('counts every replica against the concurrency, until a replica stops reporting', async () => {
    await sut.grant(request({ replica: replicaB, inFlight: 3, want: 0 }), 120);

    expect((await sut.grant(request({ maxConcurrency: 5 }), 120)).granted).toBe(2);
    await app.dataSource.query(`UPDATE provider_refresh_in_flight SET seen_at = now() - interval '5 minutes' WHERE replica = $1`, [replicaB]);
    expect((await sut.grant(request({ maxConcurrency: 5 }), 120)).granted).toBe(5);
  });

  it('grants nothing to any replica while a throttle pause runs, and lowers the rate', async () => {
    await sut.throttled('zoho', 30, 40, undefined);

    const grant = await sut.grant(request({ replica: replicaB }), 120);

    expect(grant.granted).toBe(0);
    expect(grant.pausedUntil!.getTime()).toBeGreaterThan(Date.now() + 25_000);
    expect(grant.rate).toBeCloseTo(28);
  });

  it('reports throttling that persists after the rate was lowered, not a single throttle', async () => {
    await sut.throttled('zoho', 0, 40, undefined);
    expect((await sut.states())[0].throttling).toBe(false);

    await app.dataSource.query(`UPDATE provider_refresh_budgets SET rate_lowered_at = now() - interval '10 seconds'`);
    await sut.throttled('zoho', 0, 28, undefined);

    expect((await sut.states())[0]).toMatchObject({ key: 'zoho', throttling: true, throttledTotal: 2 });
  });
});
