// Issue 13: the fleet API and the console under load, each against `{ __typename }` measured
// in the same run through the same built server (autocannon, closed loop). Each ratio comes
// from a pair run side by side (half the connections each, same seconds), so both sides
// see the same machine: on a shared machine, runs one after the other did not.
//   - first page of tokens(filter: {status: [INVALID]}) and the console's fleet page: p99 ≤ 3× trivial
//   - the same page over REST (GET /api/v1/connections?status=invalid&limit=50): p99 ≤ the GraphQL page's,
//     beside it, and beside trivial
//   - page 500 of tokens costs the same as page 1 (keyset, no OFFSET)
//   - tokenHealthHistory of a connection with 10k events: p99 ≤ 2× a tokenHealth(clientId) lookup,
//     both returning the same number of rows (the lookup returns rows/clients reports; the history
//     is asked for as many events), so the ratio shows what 10k stored events cost, not JSON size
//
//   node dist/bench/fleet-latency.js [--quick] [--rows=1m] [--clients=100k] [--duration=30]
//                               [--connections=10] [--events=10k] [--json=PATH]
//
// --quick: 100k rows / 10k clients, 10 s per query.
import autocannon from 'autocannon';
import { Client } from 'pg';
import { numberFlag, parseArgs, sizeListFlag } from './lib/args';
import { ADMIN_API_TOKEN, appEnv } from './lib/app-env';
import { AppServer, graphql, startAppServer } from './lib/app-server';
import { runMain } from './lib/cleanup';
import { createBenchDatabase, connect } from './lib/database';
import { count, ms, ratio, SummaryRow, table, verdict } from './lib/format';
import { CpuUse, describeCpu, measureCpu, waitForQuietMachine } from './lib/machine-cpu';
import { machine, writeResults } from './lib/results';
import { clientId, seedTokens } from './lib/seed';

const PAGE = 'edges { cursor node { clientId provider status lastHealthCheck error } } pageInfo { hasNextPage endCursor }';
const TRIVIAL = '{ __typename }';
const INVALID_PAGE = `{ tokens(filter: { status: [INVALID] }, first: 50) { ${PAGE} } }`;
const INVALID_PAGE_COUNTED = `{ tokens(filter: { status: [INVALID] }, first: 50) { ${PAGE} totalCount } }`;
const FLEET_PAGE = `query ($after: String) { tokens(first: 50, after: $after) { ${PAGE} } }`;
const HISTORY =
  'query ($clientId: String!, $first: Int) { tokenHealthHistory(clientId: $clientId, provider: "zoho", first: $first) { at fromStatus toStatus error source } }';
const REST_INVALID_PAGE = '/api/v1/connections?status=invalid&limit=50';
const LOOKUP =
  'query ($clientId: String!) { tokenHealth(clientId: $clientId) { clientId provider status lastRefresh lastHealthCheck accessTokenExpiresAt error } }';

interface Options {
  rows: number;
  clients: number;
  events: number;
  durationSeconds: number;
  connections: number;
}

type Query = { kind: 'graphql'; body: () => string } | { kind: 'console'; cookie: string } | { kind: 'rest'; path: string };
type QueryName = keyof typeof LABELS;
type Measured = keyof typeof BASES;

interface LoadRun {
  p50: number;
  p99: number;
  max: number;
  requestsPerSecond: number;
  total: number;
}

type PairRun = LoadRun & { cpu: CpuUse | null };

export interface FleetLatencyResults {
  bench: 'fleet-latency';
  date: string;
  machine: string;
  database: string;
  options: Options;
  mix: Record<string, number>;
  runs: Record<string, PairRun>;
}

interface Page {
  tokens: { edges: { node: { status: string } }[]; pageInfo: { endCursor: string | null } };
}

async function main(): Promise<void> {
  const flags = parseArgs();
  const options: Options = {
    rows: sizeListFlag(flags, 'rows', [flags.quick ? 100_000 : 1_000_000])[0],
    clients: sizeListFlag(flags, 'clients', [flags.quick ? 10_000 : 100_000])[0],
    events: sizeListFlag(flags, 'events', [10_000])[0],
    durationSeconds: numberFlag(flags, 'duration', flags.quick ? 10 : 30),
    connections: numberFlag(flags, 'connections', 10),
  };
  const database = await createBenchDatabase('fleet');
  const db = await connect(database.url);
  console.log(`[fleet-latency] seeding ${count(options.rows)} tokens over ${count(options.clients)} clients`);
  await seedTokens(db, { rows: options.rows, clients: options.clients });
  const mix = await seedStatuses(db);
  const historyClient = clientId(42, false);
  await seedHistory(db, historyClient, options.events);
  await db.query('VACUUM ANALYZE oauth_tokens');
  await db.query('ANALYZE token_health_events');

  const server = await startAppServer(appEnv({ databaseUrl: database.url }));
  const cookie = await logInToConsole(server);
  const page500 = await cursorOfPage(server, 500);
  await checkAnswers(server, cookie, historyClient, options);

  const reportsPerClient = Math.floor(options.rows / options.clients);
  const gql = (query: string, variables: () => object = () => ({})): Query => ({
    kind: 'graphql',
    body: () => JSON.stringify({ query, variables: variables() }),
  });
  const randomClient = () => ({ clientId: clientId(Math.floor(Math.random() * options.clients), false) });
  const queries: Record<QueryName, Query> = {
    trivial: gql(TRIVIAL),
    invalidPage: gql(INVALID_PAGE),
    invalidPageCounted: gql(INVALID_PAGE_COUNTED),
    consolePage: { kind: 'console', cookie },
    restPage: { kind: 'rest', path: REST_INVALID_PAGE },
    restPageBesideTrivial: { kind: 'rest', path: REST_INVALID_PAGE },
    page1: gql(FLEET_PAGE),
    page500: gql(FLEET_PAGE, () => ({ after: page500 })),
    history: gql(HISTORY, () => ({ clientId: historyClient, first: reportsPerClient })),
    history50: gql(HISTORY, () => ({ clientId: historyClient, first: 50 })),
    lookup: gql(LOOKUP, randomClient),
  };
  const pairs: [QueryName, Measured][] = [
    ['trivial', 'invalidPage'],
    ['trivial', 'invalidPageCounted'],
    ['trivial', 'consolePage'],
    ['invalidPage', 'restPage'],
    ['trivial', 'restPageBesideTrivial'],
    ['page1', 'page500'],
    ['lookup', 'history'],
    ['lookup', 'history50'],
  ];
  const runs: Record<string, PairRun> = {};
  for (const [base, measured] of pairs) {
    await pairedLoad(server, queries[base], queries[measured], { ...options, durationSeconds: 3, warmUp: true });
    const [baseRun, measuredRun] = await pairedLoad(server, queries[base], queries[measured], options);
    runs[`${measured}.base`] = baseRun;
    runs[measured] = measuredRun;
    console.log(`[fleet-latency] ${LABELS[measured]}: p99 ${ms(measuredRun.p99)} beside ${LABELS[base]} p99 ${ms(baseRun.p99)}`);
  }
  const results: FleetLatencyResults = {
    bench: 'fleet-latency',
    date: new Date().toISOString(),
    machine: machine(),
    database: database.description,
    options,
    mix,
    runs,
  };
  printReport(results);
  writeResults(flags, results);
}

/** A realistic mix: a few percent unhealthy, last checks spread over the last half hour. */
async function seedStatuses(db: Client): Promise<Record<string, number>> {
  await db.query(`UPDATE oauth_tokens SET
      token_status = CASE WHEN r < 0.02 THEN 'invalid' WHEN r < 0.05 THEN 'refresh_failed' WHEN r < 0.06 THEN 'expiring' ELSE 'healthy' END,
      health_check_error = CASE WHEN r < 0.06 THEN 'seeded error' END,
      last_health_check = now() - r2 * interval '30 minutes'
    FROM (SELECT id AS rid, random() AS r, random() AS r2 FROM oauth_tokens) AS draw WHERE id = draw.rid`);
  const { rows } = await db.query<{ status: string; n: number }>(
    'SELECT token_status AS status, count(*)::int AS n FROM oauth_tokens GROUP BY 1 ORDER BY 1',
  );
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

/** `events` transitions of one connection over the last 90 days, as the trigger would have written them. */
async function seedHistory(db: Client, client: string, events: number): Promise<void> {
  await db.query(
    `INSERT INTO token_health_events (token_id, client_id, provider, at, from_status, to_status, error, source)
     SELECT t.id, t.client_id, t.provider, now() - (n::float8 / $2) * interval '90 days',
            CASE WHEN n % 2 = 0 THEN 'healthy' ELSE 'refresh_failed' END,
            CASE WHEN n % 2 = 0 THEN 'refresh_failed' ELSE 'healthy' END,
            CASE WHEN n % 2 = 0 THEN 'HTTP 503 from the accounts server' END, 'check'
       FROM oauth_tokens t, generate_series(1, $2::int) AS n
      WHERE t.client_id = $1 AND t.provider = 'zoho'`,
    [client, events],
  );
}

async function logInToConsole(server: AppServer): Promise<string> {
  const form = await fetch(`${server.url}/admin/login`);
  const preLogin = (form.headers.get('set-cookie') ?? '').split(';')[0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrf) throw new Error('the console login page has no CSRF token');
  const login = await fetch(`${server.url}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: preLogin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, token: ADMIN_API_TOKEN }).toString(),
  });
  if (login.status !== 303) throw new Error(`console login answered ${login.status}`);
  return (login.headers.get('set-cookie') ?? '').split(';')[0];
}

/** The cursor after page n-1, walking the default order (as a client paging through would). */
async function cursorOfPage(server: AppServer, n: number): Promise<string | null> {
  let after: string | null = null;
  for (let page = 1; page < n; page++) {
    const data: Page = await graphql<Page>(server, FLEET_PAGE, { after });
    after = data.tokens.pageInfo.endCursor;
  }
  return after;
}

/** Every measured request must return real rows, else the timing would be of an empty answer. */
async function checkAnswers(server: AppServer, cookie: string, historyClient: string, options: Options): Promise<void> {
  const invalid = await graphql<Page>(server, INVALID_PAGE);
  if (invalid.tokens.edges.length !== 50 || invalid.tokens.edges.some((edge) => edge.node.status !== 'INVALID'))
    throw new Error('INVALID page is not 50 invalid rows');
  const history = await graphql<{ tokenHealthHistory: unknown[] }>(server, HISTORY, { clientId: historyClient, first: 50 });
  if (history.tokenHealthHistory.length !== 50) throw new Error('history page is not 50 events');
  const lookup = await graphql<{ tokenHealth: unknown[] }>(server, LOOKUP, { clientId: clientId(7, false) });
  if (lookup.tokenHealth.length !== Math.floor(options.rows / options.clients)) throw new Error('lookup returned an unexpected number of reports');
  const rest = (await (await fetch(`${server.url}${REST_INVALID_PAGE}`, { headers: { authorization: `Bearer ${ADMIN_API_TOKEN}` } })).json()) as {
    items?: { status: string }[];
  };
  if (rest.items?.length !== 50 || rest.items.some((item) => item.status !== 'invalid')) throw new Error('REST invalid page is not 50 invalid rows');
  const page = await fetch(`${server.url}/admin`, { headers: { cookie } });
  const text = await page.text();
  if (page.status !== 200 || (text.match(/<tr>/g) ?? []).length < 50) throw new Error(`console fleet page answered ${page.status} without 50 rows`);
}

/** Two loads side by side, half the connections each. */
async function pairedLoad(
  server: AppServer,
  base: Query,
  measured: Query,
  { connections, durationSeconds, warmUp = false }: Options & { warmUp?: boolean },
): Promise<[PairRun, PairRun]> {
  // A warm-up only pays for JIT and pool start; it needs no quiet machine.
  if (!warmUp) await waitForQuietMachine({ maxWaitMs: 30_000 });
  const cpu = measureCpu({ labels: { [process.pid]: 'load generator' } });
  const half = Math.max(1, Math.floor(connections / 2));
  const [baseRun, measuredRun] = await Promise.all([load(server, base, half, durationSeconds), load(server, measured, half, durationSeconds)]);
  const used = cpu.stop();
  return [
    { ...baseRun, cpu: used },
    { ...measuredRun, cpu: used },
  ];
}

async function load(server: AppServer, query: Query, connections: number, durationSeconds: number): Promise<LoadRun> {
  let failures = 0;
  const request: autocannon.Request =
    query.kind === 'rest'
      ? {
          method: 'GET',
          path: query.path,
          headers: { authorization: `Bearer ${ADMIN_API_TOKEN}` },
          onResponse: (status) => {
            if (status !== 200) failures++;
          },
        }
      : query.kind === 'console'
        ? {
            method: 'GET',
            path: '/admin',
            headers: { cookie: query.cookie },
            onResponse: (status) => {
              if (status !== 200) failures++;
            },
          }
        : {
            method: 'POST',
            path: '/graphql',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_API_TOKEN}` },
            setupRequest: (req) => ({ ...req, body: query.body() }),
            onResponse: (status, body) => {
              if (status !== 200 || body.includes('"errors"')) failures++;
            },
          };
  const result = await autocannon({ url: server.url, connections, duration: durationSeconds, requests: [request] });
  const failed = result.errors + result.timeouts + result.non2xx + failures;
  if (failed > 0) throw new Error(`${failed} failed requests under load (status codes: ${JSON.stringify(result.statusCodeStats)})`);
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
  };
}

const LABELS = {
  trivial: '`{ __typename }`',
  invalidPage: '`tokens(filter:{status:[INVALID]})` first page',
  invalidPageCounted: '… the same with `totalCount`',
  consolePage: 'console fleet page `GET /admin`',
  restPage: 'REST `GET /api/v1/connections?status=invalid&limit=50`',
  restPageBesideTrivial: '… the same REST page',
  page1: '`tokens(first: 50)` page 1',
  page500: '`tokens(first: 50, after: …)` page 500',
  history: '`tokenHealthHistory` (first = reports per client)',
  history50: '`tokenHealthHistory` (first 50)',
  lookup: '`tokenHealth(clientId)`',
};

const BASES = {
  invalidPage: 'trivial',
  invalidPageCounted: 'trivial',
  consolePage: 'trivial',
  restPage: 'invalidPage',
  restPageBesideTrivial: 'trivial',
  page500: 'page1',
  history: 'lookup',
  history50: 'lookup',
} as const satisfies Record<string, QueryName>;

function printReport(results: FleetLatencyResults): void {
  const { options, runs, mix } = results;
  console.log(`\n## Fleet API and console latency — ${results.date}\n${results.machine}; ${results.database}`);
  console.log(
    `${count(options.rows)} tokens / ${count(options.clients)} clients (${Object.entries(mix)
      .map(([status, n]) => `${status} ${count(n)}`)
      .join(', ')}); ` +
      `${count(options.events)} events on one connection; autocannon, each pair side by side with ${Math.floor(options.connections / 2)} connections each, ${options.durationSeconds} s (autocannon resolves 1 ms)\n`,
  );
  const rows = (Object.entries(BASES) as [Measured, QueryName][]).flatMap(([measured, base]) => {
    const run = runs[measured];
    const beside = runs[`${measured}.base`];
    return [
      [
        LABELS[measured],
        ms(run.p50),
        ms(run.p99),
        String(Math.round(run.requestsPerSecond)),
        `${LABELS[base]}: ${ms(beside.p50)} / ${ms(beside.p99)}`,
        ratio(p99(run) / p99(beside)),
        describeCpu(run.cpu),
      ],
    ];
  });
  console.log(table(['query', 'p50', 'p99', 'req/s', 'beside it (p50 / p99)', 'p99 ratio', 'CPU during the pair'], rows));
  console.log('\nTargets (issue 13):');
  for (const line of summarize(results))
    console.log(`- ${line.figure}: ${line.measured}${line.target ? ` (target ${line.target})` : ''} ${line.verdict}`);
}

// autocannon resolves whole milliseconds: a 0 ms p99 would make every ratio infinite.
const p99 = (run: LoadRun) => Math.max(run.p99, 1);

export function summarize({ options, runs }: FleetLatencyResults): SummaryRow[] {
  const size = `${count(options.rows)} rows / ${count(options.clients)} clients`;
  const against = (name: Measured) => p99(runs[name]) / p99(runs[`${name}.base`]);
  const invalid = against('invalidPage');
  const counted = against('invalidPageCounted');
  const consolePage = against('consolePage');
  const rest = against('restPage');
  const deep = against('page500');
  const history = against('history');
  return [
    { figure: `p99 INVALID first page / p99 __typename (${size})`, measured: ratio(invalid), target: '≤ 3×', verdict: verdict(invalid <= 3) },
    { figure: 'p99 INVALID first page with totalCount / p99 __typename', measured: ratio(counted), target: '', verdict: '' },
    { figure: 'p99 console fleet page / p99 __typename', measured: ratio(consolePage), target: '≤ 3×', verdict: verdict(consolePage <= 3) },
    { figure: 'p99 REST invalid page / p99 GraphQL invalid page, side by side', measured: ratio(rest), target: '≤ 1×', verdict: verdict(rest <= 1) },
    { figure: 'p99 REST invalid page / p99 __typename', measured: ratio(against('restPageBesideTrivial')), target: '', verdict: '' },
    { figure: 'p99 page 500 / p99 page 1', measured: ratio(deep), target: '≈ 1× (≤ 1.5×)', verdict: verdict(deep <= 1.5) },
    {
      figure: `p99 history of ${count(options.events)} events / p99 tokenHealth(clientId), same row count`,
      measured: ratio(history),
      target: '≤ 2×',
      verdict: verdict(history <= 2),
    },
    { figure: 'p99 history, first 50 / p99 tokenHealth(clientId)', measured: ratio(against('history50')), target: '', verdict: '' },
  ];
}

if (require.main === module) runMain(main);
