// The HTTP surfaces under attack, measured through the built server on a big table:
// - a flood of readiness probes and scrapes, against /health/live under the same load in the
//   same run (the baseline: a route that touches nothing), and how often oauth_tokens was read;
// - the red team's ~2 KB amplifying introspection request sent without a token, several at
//   once, and /health/live latency meanwhile against its latency when idle (same run);
// - the amplification an admin-token holder can try (aliases, list sizes, searches without a
//   trigram, a repeated word, a hand-made cursor), each against { __typename } in the same rounds.
//
//   node dist/bench/surface-attacks.js [--quick] [--rows=100k] [--probes=1500] [--connections=200]
//                                 [--attacks=5] [--rounds=15] [--only=amplification] [--json=PATH]
// --quick: 20k rows, 7 rounds.
import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { numberFlag, parseArgs, sizeListFlag } from './lib/args';
import { appEnv } from './lib/app-env';
import { AppServer, startAppServer } from './lib/app-server';
import { runMain } from './lib/cleanup';
import { createBenchDatabase, connect } from './lib/database';
import { Amplification, measureAmplification, seedHistory } from './lib/amplification';
import { count, ms, ratio, SummaryRow, verdict } from './lib/format';
import { waitForQuietMachine } from './lib/machine-cpu';
import { machine, writeResults } from './lib/results';
import { seedTokens } from './lib/seed';

interface Options {
  rows: number;
  probes: number;
  connections: number;
  attacks: number;
  rounds: number;
}

interface Flood {
  total: number;
  non2xx: number;
  p50: number;
  p99: number;
  max: number;
  durationMs: number | undefined;
  oauthTokenReads: number | undefined;
}

interface Attack {
  requestBytes: number;
  statuses: number[];
  maxAnswerBytes: number;
  slowestMs: number;
  liveIdleMaxMs: number;
  liveDuringMaxMs: number;
}

export interface SurfaceAttackResults {
  bench: 'surface-attacks';
  date: string;
  machine: string;
  database: string;
  options: Options;
  live?: Flood;
  health?: Flood;
  metrics?: Flood;
  oauthTokenReads?: { floods: number; idle: number };
  attack?: Attack;
  amplification: Amplification;
}

/** Each fragment selects the next under four aliases: the answer would grow as 4^depth. */
function amplifyingIntrospection(depth = 12) {
  const fragments = Array.from({ length: depth }, (_, level) => {
    const next = level + 1 < depth ? `{ ...T${level + 1} }` : '{ name }';
    return `fragment T${level} on __Type { name kind a: fields { type ${next} } b: fields { type ${next} } c: inputFields { type ${next} } d: interfaces ${next} }`;
  });
  return `query Amplify { __schema { types { ...T0 } queryType { ...T0 } mutationType { ...T0 } } }\n${fragments.join('\n')}`;
}

async function main(): Promise<void> {
  const flags = parseArgs();
  const options: Options = {
    rows: sizeListFlag(flags, 'rows', [flags.quick ? 20_000 : 100_000])[0],
    probes: numberFlag(flags, 'probes', 1500),
    connections: numberFlag(flags, 'connections', 200),
    attacks: numberFlag(flags, 'attacks', 5),
    rounds: numberFlag(flags, 'rounds', flags.quick ? 7 : 15),
  };
  const floods = flags.only !== 'amplification';
  const database = await createBenchDatabase('surface');
  const db = await connect(database.url);
  console.log(`[surface-attacks] seeding ${count(options.rows)} tokens`);
  await seedTokens(db, { rows: options.rows, clients: options.rows });
  await seedHistory(db);
  await db.query('ANALYZE');
  const server = await startAppServer(appEnv({ databaseUrl: database.url }));

  await waitForQuietMachine();
  const amplification = await measureAmplification(server, options.rounds);
  const surfaces = floods ? await floodsAndIntrospection(server, db, options) : {};
  const results: SurfaceAttackResults = {
    bench: 'surface-attacks',
    date: new Date().toISOString(),
    machine: machine(),
    database: database.description,
    options,
    ...surfaces,
    amplification,
  };
  printReport(results);
  writeResults(flags, results);
  await db.end();
}

async function floodsAndIntrospection(server: AppServer, db: Client, options: Options) {
  await flood(server, '/health/live', { ...options, probes: 200 });
  const live = await flood(server, '/health/live', options);
  const health = await flood(server, '/health', options, db);
  const metrics = await flood(server, '/metrics', options, db);
  // Baseline: what the background refresh alone reads in as long as both floods took.
  const idleReads = await readsDuring(db, () => new Promise((resolve) => setTimeout(resolve, (health.durationMs ?? 0) + (metrics.durationMs ?? 0))));
  const oauthTokenReads = { floods: (health.oauthTokenReads ?? 0) + (metrics.oauthTokenReads ?? 0), idle: idleReads.reads };
  const attack = await introspectionAttack(server, options);
  return { live, health, metrics, oauthTokenReads, attack };
}

async function flood(server: AppServer, path: string, { probes, connections }: Options, db?: Client): Promise<Flood> {
  await waitForQuietMachine();
  const run = () => autocannon({ url: `${server.url}${path}`, connections, amount: probes });
  const { result, reads, durationMs } = db ? await readsDuring(db, run) : { result: await run(), reads: undefined, durationMs: undefined };
  return {
    total: result.requests.total,
    non2xx: result.non2xx + result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    durationMs,
    oauthTokenReads: reads,
  };
}

/** Table scans of oauth_tokens (sequential + index, parallel workers each count) while `work` runs. */
async function readsDuring<T>(db: Client, work: () => Promise<T>): Promise<{ result: T; durationMs: number; reads: number }> {
  const before = await tableReads(db);
  const started = Date.now();
  const result = await work();
  const durationMs = Date.now() - started;
  // PostgreSQL publishes table statistics with a delay of up to a second.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return { result, durationMs, reads: (await tableReads(db)) - before };
}

/** Sequential + index scans of oauth_tokens so far (cumulative statistics). */
async function tableReads(db: Client): Promise<number> {
  const { rows } = await db.query<{ reads: string }>(
    "SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS reads FROM pg_stat_user_tables WHERE relname = 'oauth_tokens'",
  );
  return Number(rows[0]?.reads ?? 0);
}

async function introspectionAttack(server: AppServer, { attacks }: Options): Promise<Attack> {
  await waitForQuietMachine();
  const idle = await liveLatencies(server, 20);
  const body = JSON.stringify({ query: amplifyingIntrospection() });
  let done = false;
  const started = Date.now();
  const sending = Promise.all(
    Array.from({ length: attacks }, async () => {
      const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      return { status: response.status, bytes: (await response.arrayBuffer()).byteLength, ms: Date.now() - started };
    }),
  ).finally(() => (done = true));
  const during: number[] = [];
  while (!done) during.push(...(await liveLatencies(server, 1)));
  const answers = await sending;
  return {
    requestBytes: Buffer.byteLength(body),
    statuses: [...new Set(answers.map((answer) => answer.status))],
    maxAnswerBytes: Math.max(...answers.map((answer) => answer.bytes)),
    slowestMs: Math.max(...answers.map((answer) => answer.ms)),
    liveIdleMaxMs: Math.max(...idle),
    liveDuringMaxMs: Math.max(...during),
  };
}

async function liveLatencies(server: AppServer, n: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await fetch(`${server.url}/health/live`).then((response) => response.arrayBuffer());
    latencies.push(performance.now() - started);
  }
  return latencies;
}

function printReport(results: SurfaceAttackResults): void {
  console.log(`\n## Surface attacks — ${results.date}\n${results.machine}; ${results.database}`);
  for (const row of summarize(results)) console.log(`- ${row.figure}: ${row.measured}${row.target ? ` (target ${row.target})` : ''} ${row.verdict}`);
}

export function summarize(results: SurfaceAttackResults): SummaryRow[] {
  return [...summarizeFloods(results), ...summarizeAmplification(results)];
}

const MAX_RATIO = 10;
const MAX_ANSWER_BYTES = 1024 * 1024;
const MAX_RSS_GROWTH_MB = 50;

function summarizeAmplification({ options, amplification }: SurfaceAttackResults): SummaryRow[] {
  const { trivialMs, cases, rssBeforeMb, rssPeakMb } = amplification;
  const growth = rssPeakMb - rssBeforeMb;
  return [
    {
      figure: `trivial query { __typename } (median of ${amplification.rounds} rounds, ${count(options.rows)} rows)`,
      measured: ms(trivialMs),
      target: '',
      verdict: '',
    },
    ...cases.map((c) => ({
      figure: `${c.name} (${count(c.requestBytes)} B request)`,
      measured: `HTTP ${c.status} ${c.outcome}, ${count(c.answerBytes)} B, ${ms(c.medianMs)} = ${ratio(c.ratio)}`,
      target: c.accepted ? '(accepted; reference)' : `≤ ${MAX_RATIO}×, ≤ 1 MB`,
      verdict: c.accepted ? verdict(c.answerBytes <= MAX_ANSWER_BYTES) : verdict(c.ratio <= MAX_RATIO && c.answerBytes <= MAX_ANSWER_BYTES),
    })),
    {
      figure: 'server RSS: before the cases → peak after all of them (4 of each at once included)',
      measured: `${Math.round(rssBeforeMb)} → ${Math.round(rssPeakMb)} MB (+${Math.round(growth)} MB)`,
      target: `≤ +${MAX_RSS_GROWTH_MB} MB`,
      verdict: verdict(growth <= MAX_RSS_GROWTH_MB),
    },
  ];
}

function summarizeFloods({ options, live, health, metrics, oauthTokenReads, attack }: SurfaceAttackResults): SummaryRow[] {
  if (!live || !health || !metrics || !oauthTokenReads || !attack) return [];
  const size = `${count(options.rows)} rows, ${options.probes} requests, ${options.connections} at once`;
  const p99Ratio = health.p99 / live.p99;
  return [
    {
      figure: `/health: non-2xx answers (${size})`,
      measured: `${health.non2xx} of ${health.total}`,
      target: '0',
      verdict: verdict(health.non2xx === 0),
    },
    {
      figure: '/health p99 / /health/live p99 under the same flood',
      measured: `${ms(health.p99)} / ${ms(live.p99)} = ${ratio(p99Ratio)}`,
      target: '≤ 3×',
      verdict: verdict(p99Ratio <= 3),
    },
    {
      figure: `/metrics: non-2xx answers, p99 (${size})`,
      measured: `${metrics.non2xx} of ${metrics.total}, ${ms(metrics.p99)}`,
      target: '0',
      verdict: verdict(metrics.non2xx === 0),
    },
    {
      figure: `oauth_tokens scans during both floods (${2 * options.probes} requests) / while idle as long`,
      measured: `${oauthTokenReads.floods} / ${oauthTokenReads.idle}`,
      target: 'no more than idle + one refresh',
      verdict: verdict(oauthTokenReads.floods <= oauthTokenReads.idle + 3),
    },
    {
      figure: `${options.attacks} × ${attack.requestBytes}-byte amplifying introspection without a token`,
      measured: `HTTP ${attack.statuses.join('/')}, ≤ ${attack.maxAnswerBytes} bytes each, all answered in ${ms(attack.slowestMs)}`,
      target: '401, < 200 bytes',
      verdict: verdict(attack.statuses.length === 1 && attack.statuses[0] === 401 && attack.maxAnswerBytes < 200),
    },
    {
      figure: '/health/live max latency during the attack / idle',
      measured: `${ms(attack.liveDuringMaxMs)} / ${ms(attack.liveIdleMaxMs)}`,
      target: '',
      verdict: '',
    },
  ];
}

if (require.main === module) runMain(main);
