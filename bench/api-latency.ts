// Issue 8, point 5: latency of the `tokenHealth(clientId)` query on a big table against a
// trivial `{ __typename }` query, both through the built server under the same load in the
// same run (autocannon, closed loop: --connections requests always in flight).
//
//   node dist/bench/api-latency.js [--quick] [--rows=1m] [--clients=100k] [--duration=30]
//                             [--connections=10] [--json=PATH]
//
// --quick: 100k rows / 10k clients, 10 s per query.
import autocannon from 'autocannon';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { OAuthTokenReportRepository } from '../src/oauth/oauth-token-report.repository';
import { numberFlag, parseArgs, sizeListFlag } from './lib/args';
import { ADMIN_API_TOKEN, appEnv } from './lib/app-env';
import { AppServer, graphql, startAppServer } from './lib/app-server';
import { runMain } from './lib/cleanup';
import { createBenchDatabase, connect } from './lib/database';
import { count, ms, ratio, SummaryRow, table, verdict } from './lib/format';
import { CpuUse, describeCpu, measureCpu, waitForQuietMachine } from './lib/machine-cpu';
import { machine, writeResults } from './lib/results';
import { clientId, seedTokens } from './lib/seed';

const TRIVIAL = JSON.stringify({ query: '{ __typename }' });
const LOOKUP =
  'query ($clientId: String!) { tokenHealth(clientId: $clientId) { clientId provider status lastRefresh lastHealthCheck accessTokenExpiresAt error } }';

interface Options {
  rows: number;
  clients: number;
  durationSeconds: number;
  connections: number;
}

interface LoadRun {
  p50: number;
  p99: number;
  max: number;
  requestsPerSecond: number;
  total: number;
  cpu: CpuUse | null;
}

export interface ApiLatencyResults {
  bench: 'api-latency';
  date: string;
  machine: string;
  database: string;
  options: Options;
  plan: string;
  trivial: LoadRun;
  lookup: LoadRun;
}

async function main(): Promise<void> {
  const flags = parseArgs();
  const options: Options = {
    rows: sizeListFlag(flags, 'rows', [flags.quick ? 100_000 : 1_000_000])[0],
    clients: sizeListFlag(flags, 'clients', [flags.quick ? 10_000 : 100_000])[0],
    durationSeconds: numberFlag(flags, 'duration', flags.quick ? 10 : 30),
    connections: numberFlag(flags, 'connections', 10),
  };
  const database = await createBenchDatabase('api');
  const db = await connect(database.url);
  console.log(`[api-latency] seeding ${count(options.rows)} tokens over ${count(options.clients)} clients`);
  await seedTokens(db, { rows: options.rows, clients: options.clients });
  const server = await startAppServer(appEnv({ databaseUrl: database.url }));
  await checkLookupAnswers(server, options);
  const plan = await explainLookup(db, randomClient(options.clients));
  console.log(`[api-latency] plan of the lookup:\n${plan}`);

  const lookupBody = () => JSON.stringify({ query: LOOKUP, variables: { clientId: randomClient(options.clients) } });
  // A short warm-up of each, so neither measurement pays for JIT and pool start.
  await load(server, () => TRIVIAL, { ...options, durationSeconds: 3 });
  await load(server, lookupBody, { ...options, durationSeconds: 3 });
  const trivial = await load(server, () => TRIVIAL, options);
  const lookup = await load(server, lookupBody, options);
  const results: ApiLatencyResults = {
    bench: 'api-latency',
    date: new Date().toISOString(),
    machine: machine(),
    database: database.description,
    options,
    plan,
    trivial,
    lookup,
  };
  printReport(results);
  writeResults(flags, results);
}

function randomClient(clients: number): string {
  return clientId(Math.floor(Math.random() * clients), false);
}

/** A lookup must return the client's tokens, else the timing would be of an empty answer. */
async function checkLookupAnswers(server: AppServer, { rows, clients }: Options): Promise<void> {
  const data = await graphql<{ tokenHealth: unknown[] }>(server, LOOKUP, { clientId: randomClient(clients) });
  if (data.tokenHealth.length !== Math.floor(rows / clients)) {
    throw new Error(`tokenHealth returned ${data.tokenHealth.length} reports, expected ${Math.floor(rows / clients)}`);
  }
}

/** EXPLAIN ANALYZE of the exact SQL the built repository sends for one client. */
async function explainLookup(db: Client, client: string): Promise<string> {
  let captured: { sql: string; params: unknown[] } | undefined;
  const recorder = {
    query: (sql: string, params: unknown[] = []) => {
      captured = { sql, params };
      return Promise.resolve([]);
    },
  };
  await new OAuthTokenReportRepository(recorder as unknown as DataSource).findReports(client);
  if (!captured) throw new Error('the report repository sent no SQL');
  const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${captured.sql}`, captured.params);
  return rows.map((row) => `    ${row['QUERY PLAN']}`).join('\n');
}

async function load(server: AppServer, body: () => string, { connections, durationSeconds }: Options): Promise<LoadRun> {
  await waitForQuietMachine();
  let graphqlErrors = 0;
  const cpu = measureCpu({ labels: { [process.pid]: 'load generator' } });
  const result = await autocannon({
    url: server.url,
    connections,
    duration: durationSeconds,
    requests: [
      {
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_API_TOKEN}` },
        setupRequest: (request) => ({ ...request, body: body() }),
        onResponse: (status, responseBody) => {
          if (status !== 200 || responseBody.includes('"errors"')) graphqlErrors++;
        },
      },
    ],
  });
  const failed = result.errors + result.timeouts + result.non2xx + graphqlErrors;
  if (failed > 0) throw new Error(`${failed} failed requests under load (first status codes: ${JSON.stringify(result.statusCodeStats)})`);
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    cpu: cpu.stop(),
  };
}

function printReport(results: ApiLatencyResults): void {
  const { options, trivial, lookup } = results;
  console.log(`\n## API latency — ${results.date}\n${results.machine}; ${results.database}`);
  console.log(
    `${count(options.rows)} tokens / ${count(options.clients)} clients; autocannon, ${options.connections} connections, ${options.durationSeconds} s per query (autocannon resolves 1 ms)\n`,
  );
  const row = (name: string, run: LoadRun) => [
    name,
    ms(run.p50),
    ms(run.p99),
    ms(run.max),
    String(Math.round(run.requestsPerSecond)),
    describeCpu(run.cpu),
  ];
  console.log(
    table(['query', 'p50', 'p99', 'max', 'req/s', 'CPU during the run'], [row('`{ __typename }`', trivial), row('`tokenHealth(clientId)`', lookup)]),
  );
  console.log('\nTargets (issue 8):');
  for (const row of summarize(results)) console.log(`- ${row.figure}: ${row.measured}${row.target ? ` (target ${row.target})` : ''} ${row.verdict}`);
}

export function summarize({ options, trivial, lookup }: ApiLatencyResults): SummaryRow[] {
  const p99Ratio = lookup.p99 / trivial.p99;
  const size = `${count(options.rows)} rows / ${count(options.clients)} clients`;
  return [
    { figure: `\`{ __typename }\` p50 / p99 (${size})`, measured: `${ms(trivial.p50)} / ${ms(trivial.p99)}`, target: '', verdict: '' },
    { figure: `\`tokenHealth(clientId)\` p50 / p99 (${size})`, measured: `${ms(lookup.p50)} / ${ms(lookup.p99)}`, target: '', verdict: '' },
    { figure: 'p99 tokenHealth / p99 __typename', measured: ratio(p99Ratio), target: '≤ 2×', verdict: verdict(p99Ratio <= 2) },
  ];
}

if (require.main === module) runMain(main);
