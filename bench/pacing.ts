// Provider budgets (issue "polite at scale"): a fake token endpoint with a token bucket, the
// built server's cycles fired through `runHealthCheck`, figures read from the table and the fake.
//
//   node dist/bench/pacing.js [--rows=10000] [--bucket=50] [--concurrency=10,100] [--retry-after=30]
//                            [--budget=50] [--replicas=3] [--other-rows=2000] [--latency=20]
//
// 1. Throttled provider (bucket R/s, Zoho's Access Denied and 429 + Retry-After), N due, each C:
//    tokens marked refresh_failed, throttled answers / requests, every token checked, cycle / (N/R).
// 2. k replicas with ZOHO_MAX_REFRESH_RATE=budget, a provider that would take any rate: busiest
//    second and the combined rate / budget.
// 3. Two providers, one throttled: the other's refreshes, alone and beside the throttled one.
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { FakeOAuthProvider } from '../test/support/fake-oauth-provider';
import { ThrottleStyle, ThrottlingBucket } from '../test/support/throttling-bucket';
import { TokenCipher } from '../src/oauth/token-cipher';
import { numberFlag, parseArgs, sizeListFlag } from './lib/args';
import { appEnv, ENCRYPTION_KEY_HEX } from './lib/app-env';
import { AppServer, graphql, startAppServer } from './lib/app-server';
import { runMain } from './lib/cleanup';
import { connect, createBenchDatabase } from './lib/database';
import { startFakeProvider } from './lib/fake-provider';
import { ms, ratio } from './lib/format';
import { machine } from './lib/results';

const RUN = 'mutation { runHealthCheck { checked refreshed failed } }';
const cipher = new TokenCipher(Buffer.from(ENCRYPTION_KEY_HEX, 'hex'));

async function seedDue(db: Client, provider: string, rows: number): Promise<void> {
  const ids = Array.from({ length: rows }, (_, i) => `${provider}-due-${String(i).padStart(6, '0')}`);
  const seal = (id: string, column: 'access_token' | 'refresh_token', value: string) => cipher.encrypt(value, { clientId: id, provider, column });
  await db.query(
    `INSERT INTO oauth_tokens (client_id, provider, access_token, refresh_token, token_expiry)
     SELECT id, $4, access, refresh, now() + interval '5 minutes' FROM unnest($1::text[], $2::text[], $3::text[]) AS due(id, refresh, access)`,
    [ids, ids.map((id) => seal(id, 'refresh_token', `refresh-${id}`)), ids.map((id) => seal(id, 'access_token', 'bench-access')), provider],
  );
}

async function reset(db: Client): Promise<void> {
  await db.query('TRUNCATE oauth_tokens, provider_refresh_budgets, provider_refresh_in_flight');
}

async function statuses(db: Client, provider: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ s: string; n: number }>(
    'SELECT token_status AS s, count(*)::int AS n FROM oauth_tokens WHERE provider = $1 GROUP BY 1',
    [provider],
  );
  return Object.fromEntries(rows.map((row) => [row.s, row.n]));
}

async function refreshedCount(db: Client, provider: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM oauth_tokens WHERE provider = $1 AND last_refreshed_at IS NOT NULL',
    [provider],
  );
  return rows[0].n;
}

async function withServers<T>(count: number, env: Record<string, string>, work: (servers: AppServer[]) => Promise<T>): Promise<T> {
  const servers = await Promise.all(Array.from({ length: count }, () => startAppServer(env)));
  try {
    return await work(servers);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

async function throttled(
  db: Client,
  url: string,
  fake: FakeOAuthProvider,
  rows: number,
  bucketRate: number,
  concurrency: number,
  style: ThrottleStyle,
) {
  await reset(db);
  await seedDue(db, 'zoho', rows);
  const bucket = new ThrottlingBucket(bucketRate, bucketRate, style);
  fake.reset();
  fake.defaultBehaviour = bucket.behaviour;
  return withServers(1, appEnv({ databaseUrl: url, accountsUrl: fake.url, concurrency }), async ([server]) => {
    const started = performance.now();
    await graphql(server, RUN);
    const elapsedMs = performance.now() - started;
    const requests = bucket.arrivals.length;
    const throttledAnswers = bucket.arrivals.filter((a) => a.throttled).length;
    return {
      concurrency,
      style: style.kind,
      elapsedMs,
      floorMs: (rows / bucketRate) * 1000,
      statuses: await statuses(db, 'zoho'),
      refreshed: await refreshedCount(db, 'zoho'),
      requests,
      throttledAnswers,
      sentDuringRetryAfter: bucket.sentDuringRetryAfter(250),
    };
  });
}

async function replicas(db: Client, url: string, fake: FakeOAuthProvider, rows: number, budget: number, count: number) {
  await reset(db);
  await seedDue(db, 'zoho', rows);
  const bucket = new ThrottlingBucket(1e6, 1e6, { kind: 'zoho' });
  fake.reset();
  fake.defaultBehaviour = bucket.behaviour;
  const env = appEnv({ databaseUrl: url, accountsUrl: fake.url, concurrency: 10, extra: { ZOHO_MAX_REFRESH_RATE: String(budget) } });
  return withServers(count, env, async (servers) => {
    await Promise.all(servers.map((server) => graphql(server, RUN)));
    const span = (bucket.arrivals.at(-1)!.at - bucket.arrivals[0].at) / 1000;
    return { replicas: count, requests: bucket.arrivals.length, combinedRate: bucket.arrivals.length / span, busiestSecond: bucket.busiestSecond() };
  });
}

// zoho is throttled (bucket), "other" (a second Zoho app, told apart by its client id) is not.
async function twoProviders(
  db: Client,
  url: string,
  fake: FakeOAuthProvider,
  rows: number,
  otherRows: number,
  bucketRate: number,
  latencyMs: number,
) {
  const env = appEnv({
    databaseUrl: url,
    accountsUrl: fake.url,
    concurrency: 10,
    extra: { OAUTH_PROVIDERS: 'zoho,other', OTHER_PRESET: 'zoho', OTHER_CLIENT_ID: 'other-client', OTHER_CLIENT_SECRET: 'other-secret' },
  });
  const otherTime = async (withThrottled: boolean) => {
    await reset(db);
    await seedDue(db, 'other', otherRows);
    if (withThrottled) await seedDue(db, 'zoho', rows);
    const bucket = new ThrottlingBucket(bucketRate, bucketRate, { kind: 'zoho' });
    fake.reset();
    fake.defaultBehaviour = (request) =>
      request.form.get('client_id') === 'other-client'
        ? { status: 200, body: { access_token: 'other-access', expires_in: 3600 }, delayMs: latencyMs }
        : bucket.behaviour(request);
    return withServers(1, env, async ([server]) => {
      const started = performance.now();
      const cycle = graphql(server, RUN);
      while ((await refreshedCount(db, 'other')) < otherRows) await new Promise((resolve) => setTimeout(resolve, 100));
      const elapsedMs = performance.now() - started;
      await cycle;
      return elapsedMs;
    });
  };
  const alone = await otherTime(false);
  const beside = await otherTime(true);
  return { alone, beside };
}

async function main(): Promise<void> {
  const flags = parseArgs();
  const rows = numberFlag(flags, 'rows', 10_000);
  const bucketRate = numberFlag(flags, 'bucket', 50);
  const concurrencies = sizeListFlag(flags, 'concurrency', [10, 100]);
  const retryAfter = numberFlag(flags, 'retry-after', 30);
  const budget = numberFlag(flags, 'budget', 50);
  const replicaCount = numberFlag(flags, 'replicas', 3);
  const otherRows = numberFlag(flags, 'other-rows', 2000);
  const latencyMs = numberFlag(flags, 'latency', 20);
  const database = await createBenchDatabase('pacing');
  const db = await connect(database.url);
  const fake = await startFakeProvider(0);
  console.log(`## Pacing — ${new Date().toISOString()}\n${machine()}; ${database.description}\n`);

  for (const style of [{ kind: 'zoho' }, { kind: '429', retryAfterSeconds: retryAfter }] as ThrottleStyle[]) {
    for (const concurrency of concurrencies) {
      const run = await throttled(db, database.url, fake, rows, bucketRate, concurrency, style);
      console.log(
        `throttled (${run.style}), N=${rows}, bucket ${bucketRate}/s, C=${concurrency}: refresh_failed ${run.statuses.refresh_failed ?? 0}` +
          ` (main: 7,335 / 9,614 at C=10/100); refreshed ${run.refreshed}/${rows}; throttled answers ${run.throttledAnswers}/${run.requests}` +
          ` = ${((100 * run.throttledAnswers) / run.requests).toFixed(2)} % (target ≤ 1 %); sent during Retry-After ${run.sentDuringRetryAfter}` +
          ` (main: 9,922); cycle ${ms(run.elapsedMs)} = ${ratio(run.elapsedMs / run.floorMs)} N/R (target ≤ 1.2×)`,
      );
    }
  }
  const shared = await replicas(db, database.url, fake, rows, budget, replicaCount);
  console.log(
    `${shared.replicas} replicas, budget ${budget}/s, N=${rows}: combined ${shared.combinedRate.toFixed(1)}/s = ${ratio(shared.combinedRate / budget)} budget` +
      ` (target ≤ 1.1×; main: no budget, ~${replicaCount}× one replica's rate); busiest second ${shared.busiestSecond}`,
  );
  const pair = await twoProviders(db, database.url, fake, rows, otherRows, bucketRate, latencyMs);
  console.log(
    `two providers, zoho throttled (${rows} due), other ${otherRows} due at ${latencyMs} ms: other alone ${ms(pair.alone)}, beside ${ms(pair.beside)}` +
      ` = ${ratio(pair.beside / pair.alone)} (target ≤ 1.1×)`,
  );
  await db.end();
}

if (require.main === module) runMain(main);
