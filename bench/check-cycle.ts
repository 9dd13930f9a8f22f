// Issue 8, points 1–3: one full check cycle of ours vs the naive baseline, its distance
// from the floor, and its peak RSS as the table grows.
//
//   node dist/bench/check-cycle.js [--quick] [--full] [--latency=50] [--sizes=10k,100k]
//                             [--concurrency=10,50] [--baseline-max=100k] [--repeats=3] [--json=PATH]
//
// --quick runs the (slow) naive baseline at 10k only; --full adds N = 1M. Each of our
// cycles runs --repeats times (fresh process and reset table each time); the median counts.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { FakeOAuthProvider } from '../test/support/fake-oauth-provider';
import { Flags, numberFlag, parseArgs, sizeListFlag } from './lib/args';
import { appEnv } from './lib/app-env';
import { runChild } from './lib/child';
import { runMain } from './lib/cleanup';
import { createBenchDatabase, connect } from './lib/database';
import { startFakeProvider } from './lib/fake-provider';
import { count, mb, ms, ratio, SummaryRow, table, verdict } from './lib/format';
import { describeCpu, waitForQuietMachine } from './lib/machine-cpu';
import type { NaiveResult } from './naive-baseline';
import type { OurCycleResult } from './our-cycle';
import { machine, writeResults } from './lib/results';
import { resetTokens, seedTokens, tokenCounts } from './lib/seed';

const DUE_EVERY = 100; // 1 % of the tokens expire within the window

interface Options {
  sizes: number[];
  latencyMs: number;
  concurrencies: number[];
  baselineMax: number;
  floorRepeats: number;
  repeats: number;
}

interface Context {
  db: Client;
  fake: FakeOAuthProvider;
  url: string;
  options: Options;
}

type Checked = { duplicates: number };
type OursRun = OurCycleResult & Checked & { allElapsedMs: number[] };

interface SizeResult {
  rows: number;
  due: number;
  bulkUpdateMs: number;
  ours: Record<number, OursRun>;
  baseline: (NaiveResult & Checked) | undefined;
}

export interface CheckCycleResults {
  bench: 'check-cycle';
  date: string;
  machine: string;
  database: string;
  options: Options;
  sizes: SizeResult[];
}

function readOptions(flags: Flags): Options {
  const sizes = sizeListFlag(flags, 'sizes', flags.full ? [10_000, 100_000, 1_000_000] : [10_000, 100_000]);
  return {
    sizes,
    latencyMs: numberFlag(flags, 'latency', 50),
    concurrencies: sizeListFlag(flags, 'concurrency', [10, 50]),
    baselineMax: sizeListFlag(flags, 'baseline-max', [flags.quick ? 10_000 : Math.max(...sizes)])[0],
    floorRepeats: numberFlag(flags, 'floor-repeats', 3),
    repeats: Math.max(1, numberFlag(flags, 'repeats', 3)),
  };
}

async function main(): Promise<void> {
  const flags = parseArgs();
  const options = readOptions(flags);
  const database = await createBenchDatabase('cycle');
  const db = await connect(database.url);
  const fake = await startFakeProvider(options.latencyMs);
  const context: Context = { db, fake, url: database.url, options };
  const sizes: SizeResult[] = [];
  for (const rows of options.sizes) sizes.push(await benchSize(context, rows));
  const results: CheckCycleResults = {
    bench: 'check-cycle',
    date: new Date().toISOString(),
    machine: machine(),
    database: database.description,
    options,
    sizes,
  };
  printReport(results);
  writeResults(flags, results);
}

async function benchSize(context: Context, rows: number): Promise<SizeResult> {
  const { db, options } = context;
  log(`N=${count(rows)}: seeding`);
  const { due } = await seedTokens(db, { rows, dueEvery: DUE_EVERY });
  const bulkUpdateMs = await timeBulkUpdate(db, options.floorRepeats);
  log(`N=${count(rows)}: bulk UPDATE of last_health_check ${ms(bulkUpdateMs)}`);
  const ours: Record<number, OursRun> = {};
  for (const concurrency of options.concurrencies) {
    ours[concurrency] = await runOursRepeatedly(context, { concurrency, due });
    const runs = ours[concurrency].allElapsedMs.map(ms).join(', ');
    log(
      `N=${count(rows)}: ours at concurrency ${concurrency}: median ${ms(ours[concurrency].elapsedMs)} of [${runs}] (median run: ${describeCpu(ours[concurrency].machineCpu)}; ${describePhases(ours[concurrency])})`,
    );
  }
  let baseline: (NaiveResult & Checked) | undefined;
  if (rows <= options.baselineMax) {
    log(`N=${count(rows)}: naive baseline (sequential; ~${ms(due * options.latencyMs)} of provider latency alone)`);
    baseline = await runMeasured<NaiveResult>(context, 'naive-baseline.js', { due });
    log(`N=${count(rows)}: naive baseline ${ms(baseline.elapsedMs)}`);
  }
  return { rows, due, bulkUpdateMs, ours, baseline };
}

/** The floor's database half: one statement touching every row, as cheap as a cycle can be. */
async function timeBulkUpdate(db: Client, repeats: number): Promise<number> {
  let best = Infinity;
  for (let run = 0; run < repeats; run++) {
    await waitForQuietMachine();
    const started = performance.now();
    await db.query('UPDATE oauth_tokens SET last_health_check = now()');
    best = Math.min(best, performance.now() - started);
    await resetTokens(db);
  }
  return best;
}

/** The median run by time; the peak RSS is the highest of all runs. */
async function runOursRepeatedly(context: Context, { concurrency, due }: { concurrency: number; due: number }): Promise<OursRun> {
  const runs: (OurCycleResult & Checked)[] = [];
  for (let run = 0; run < context.options.repeats; run++) {
    runs.push(await runMeasured<OurCycleResult>(context, 'our-cycle.js', { concurrency, due }));
  }
  const sorted = [...runs].sort((a, b) => a.elapsedMs - b.elapsedMs);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return {
    ...median,
    allElapsedMs: runs.map((run) => run.elapsedMs),
    maxRss: Math.max(...runs.map((run) => run.maxRss)),
    duplicates: runs.reduce((sum, run) => sum + run.duplicates, 0),
  };
}

/** Runs one checker in a child process, checks it did the whole job, then resets the table. */
async function runMeasured<T>(
  { db, fake, url }: Context,
  script: string,
  { concurrency, due }: { concurrency?: number; due: number },
): Promise<T & Checked> {
  await waitForQuietMachine();
  fake.forgetRequests();
  const env = appEnv({ databaseUrl: url, accountsUrl: fake.url, concurrency });
  const result = await runChild<T>(join(__dirname, script), { env });
  const after = await tokenCounts(db);
  const refreshes = fake.refreshCount();
  // A fast cycle that skipped work would be a meaningless figure.
  if (after.unchecked !== 0 || after.refreshed !== due || after.unhealthy !== 0 || refreshes !== due) {
    throw new Error(`${script} left ${JSON.stringify(after)} with ${refreshes} refreshes at the provider; expected ${due} refreshed`);
  }
  await resetTokens(db);
  return { ...result, duplicates: fake.duplicateRefreshes() };
}

/** "classify 120 ms, claim ×21 300 ms, …": where one of our cycles spent its time. */
function describePhases(run: OurCycleResult): string {
  const names: Record<string, string> = {
    classifyWithoutProviderCall: 'classify',
    claimDue: 'claims',
    writeResults: 'result writes',
    refresh: 'refreshes',
    raiseDueAlerts: 'alert scan',
  };
  return Object.entries(run.phases)
    .map(([method, phase]) => {
      const from = (phase.firstStartMs ?? run.cycleStartedAt) - run.cycleStartedAt;
      const span = `${ms(from)}→${ms(phase.lastEndMs - run.cycleStartedAt)}`;
      return `${names[method]} ×${phase.calls} busy ${ms(phase.totalMs)} at ${span}`;
    })
    .join('; ');
}

function floorMs(size: SizeResult, concurrency: number, latencyMs: number): number {
  return size.bulkUpdateMs + Math.ceil(size.due / concurrency) * latencyMs;
}

function printReport(results: CheckCycleResults): void {
  const { options, sizes } = results;
  console.log(`\n## Check cycle — ${results.date}\n${results.machine}; ${results.database}`);
  console.log(
    `Provider latency ${options.latencyMs} ms, 1 % of tokens due; ours = median of ${options.repeats} run(s) of TokenHealthService.runScheduledCheck() in a fresh process\n`,
  );
  console.log(cycleTable(sizes, options));
  console.log(`\n${memoryTable(sizes, options)}`);
  console.log('\nTargets (issue 8):');
  for (const row of summarize(results)) console.log(`- ${row.figure}: ${row.measured}${row.target ? ` (target ${row.target})` : ''} ${row.verdict}`);
}

/** The figures the issue sets targets for, as rows for this report and run-all's table. */
export function summarize({ options, sizes }: CheckCycleResults): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const push = (figure: string, value: number, target: string, met: boolean | undefined) =>
    rows.push({ figure, measured: ratio(value), target, verdict: met === undefined ? '' : verdict(met) });
  for (const { rows: n, baseline, ours } of sizes) {
    if (!baseline) continue;
    for (const c of options.concurrencies) {
      const targeted = n === 100_000 && c === 50;
      push(
        `baseline / ours, N=${count(n)}, C=${c}`,
        baseline.elapsedMs / ours[c].elapsedMs,
        targeted ? '≥ 50×' : '',
        targeted ? baseline.elapsedMs / ours[c].elapsedMs >= 50 : undefined,
      );
    }
  }
  if (!sizes.some((size) => size.rows === 100_000 && size.baseline)) {
    rows.push({ figure: 'baseline / ours, N=100k', measured: 'not run (--quick, or 100k not in --sizes)', target: '≥ 50× at C=50', verdict: '' });
  }
  for (const size of sizes) {
    for (const c of options.concurrencies) {
      const distance = size.ours[c].elapsedMs / floorMs(size, c, options.latencyMs);
      push(`ours / floor, N=${count(size.rows)}, C=${c}`, distance, '≤ 1.5×', distance <= 1.5);
    }
  }
  for (const size of sizes.slice(1)) {
    for (const c of options.concurrencies) {
      const growth = size.ours[c].maxRss / sizes[0].ours[c].maxRss;
      push(`peak RSS N=${count(size.rows)} / N=${count(sizes[0].rows)}, C=${c}`, growth, '≤ 1.3×', growth <= 1.3);
    }
  }
  return rows;
}

function cycleTable(sizes: SizeResult[], { concurrencies, latencyMs }: Options): string {
  const headers = ['N', 'refreshes R', 'bulk UPDATE'];
  for (const c of concurrencies) headers.push(`ours C=${c}`, `floor C=${c}`, `ours/floor C=${c}`);
  headers.push('naive baseline', ...concurrencies.map((c) => `baseline/ours C=${c}`), 'duplicates');
  const rows = sizes.map((size) => {
    const cells = [count(size.rows), String(size.due), ms(size.bulkUpdateMs)];
    for (const c of concurrencies) {
      const floor = floorMs(size, c, latencyMs);
      cells.push(ms(size.ours[c].elapsedMs), ms(floor), ratio(size.ours[c].elapsedMs / floor));
    }
    cells.push(size.baseline ? ms(size.baseline.elapsedMs) : 'not run');
    for (const c of concurrencies) cells.push(size.baseline ? ratio(size.baseline.elapsedMs / size.ours[c].elapsedMs) : '–');
    cells.push(String(concurrencies.reduce((sum, c) => sum + size.ours[c].duplicates, 0)));
    return cells;
  });
  return table(headers, rows);
}

function memoryTable(sizes: SizeResult[], { concurrencies }: Options): string {
  const headers = ['N'];
  for (const c of concurrencies) headers.push(`peak RSS C=${c}`, `RSS before cycle C=${c}`, `cycle adds C=${c}`);
  headers.push('naive peak RSS');
  const rows = sizes.map((size) => {
    const cells = [count(size.rows)];
    for (const c of concurrencies) {
      const run = size.ours[c];
      cells.push(mb(run.maxRss), mb(run.rssAtStart), mb(Math.max(0, run.cyclePeakRss - run.rssAtStart)));
    }
    cells.push(size.baseline ? mb(size.baseline.maxRss) : '–');
    return cells;
  });
  return table(headers, rows);
}

function log(message: string): void {
  console.log(`[check-cycle ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

if (require.main === module) runMain(main);
