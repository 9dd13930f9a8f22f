// Issue 8, point 4: 1, 2 and 4 app processes on one database split one cycle's refreshes.
// Every token is due (R = N), the fake provider answers after 50 ms; all replicas are told
// to check at the same moment through the `checkTokenHealth` mutation, and the bench
// reports the wall time until the last one answered, the speed-up over one replica and
// the refreshes the fake saw twice for one token (must be 0).
//
//   node dist/bench/replicas.js [--rows=2000] [--replicas=1,2,4] [--concurrency=10] [--latency=50]
//                          [--repeats=3] [--json=PATH]
//
// Each replica count runs --repeats times (fresh processes, reset table); the median counts.
//
// The mutation (clientId null) answers with every report, so N stays small.
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { FakeOAuthProvider } from '../test/support/fake-oauth-provider';
import { numberFlag, parseArgs, sizeListFlag } from './lib/args';
import { appEnv } from './lib/app-env';
import { AppServer, graphql, startAppServer } from './lib/app-server';
import { runMain } from './lib/cleanup';
import { createBenchDatabase, connect } from './lib/database';
import { startFakeProvider } from './lib/fake-provider';
import { ms, ratio, SummaryRow, table, verdict } from './lib/format';
import { CpuUse, describeCpu, measureCpu, waitForQuietMachine } from './lib/machine-cpu';
import { machine, writeResults } from './lib/results';
import { resetTokens, seedTokens, tokenCounts } from './lib/seed';

const CHECK_ALL = 'mutation { checkTokenHealth { status } }';

interface Options {
  rows: number;
  replicaCounts: number[];
  concurrency: number;
  latencyMs: number;
  repeats: number;
}

interface Run {
  replicas: number;
  elapsedMs: number;
  cpu: CpuUse | null;
  providerRefreshes: number;
  duplicates: number;
  perReplica: number[];
}

type MedianRun = Run & { allElapsedMs: number[] };

export interface ReplicasResults {
  bench: 'replicas';
  date: string;
  machine: string;
  database: string;
  options: Options;
  runs: MedianRun[];
}

interface Context {
  db: Client;
  fake: FakeOAuthProvider;
  url: string;
  options: Options;
}

async function main(): Promise<void> {
  const flags = parseArgs();
  const options: Options = {
    rows: sizeListFlag(flags, 'rows', [2000])[0],
    replicaCounts: sizeListFlag(flags, 'replicas', [1, 2, 4]),
    concurrency: numberFlag(flags, 'concurrency', 10),
    latencyMs: numberFlag(flags, 'latency', 50),
    repeats: Math.max(1, numberFlag(flags, 'repeats', 3)),
  };
  const database = await createBenchDatabase('replicas');
  const db = await connect(database.url);
  const fake = await startFakeProvider(options.latencyMs);
  await seedTokens(db, { rows: options.rows, dueEvery: 1 });
  const runs: MedianRun[] = [];
  for (const replicas of options.replicaCounts) {
    const attempts: Run[] = [];
    for (let attempt = 0; attempt < options.repeats; attempt++) {
      const run = await runWithReplicas({ db, fake, url: database.url, options }, replicas);
      console.log(`[replicas] ${replicas} replica(s): ${ms(run.elapsedMs)}; ${describeCpu(run.cpu)}`);
      attempts.push(run);
    }
    runs.push(medianRun(attempts));
  }
  const results: ReplicasResults = {
    bench: 'replicas',
    date: new Date().toISOString(),
    machine: machine(),
    database: database.description,
    options,
    runs,
  };
  printReport(results);
  writeResults(flags, results);
}

async function runWithReplicas({ db, fake, url, options }: Context, replicas: number): Promise<Run> {
  const env = appEnv({ databaseUrl: url, accountsUrl: fake.url, concurrency: options.concurrency });
  const servers = await Promise.all(Array.from({ length: replicas }, () => startAppServer(env)));
  try {
    // Warm each process's GraphQL path (a scoped check of an unknown client calls nobody).
    await Promise.all(servers.map((server) => graphql(server, 'mutation { checkTokenHealth(clientId: "warm-up") { status } }')));
    await waitForQuietMachine();
    fake.forgetRequests();
    const cpu = measureCpu({ labels: { [process.pid]: 'fake provider' } });
    const started = performance.now();
    const answers = await Promise.all(servers.map((server) => graphql<{ checkTokenHealth: unknown[] }>(server, CHECK_ALL)));
    const elapsedMs = performance.now() - started;
    const cpuUsed = cpu.stop();
    const perReplica = await Promise.all(servers.map(refreshesDoneBy));
    const after = await tokenCounts(db);
    if (after.unchecked !== 0 || after.refreshed !== options.rows || answers.some((a) => a.checkTokenHealth.length !== options.rows)) {
      throw new Error(`${replicas} replicas left ${JSON.stringify(after)}; expected all ${options.rows} refreshed`);
    }
    return { replicas, elapsedMs, cpu: cpuUsed, providerRefreshes: fake.refreshCount(), duplicates: fake.duplicateRefreshes(), perReplica };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await resetTokens(db);
  }
}

/** The median attempt by time, carrying every attempt's time and the duplicates of all. */
function medianRun(attempts: Run[]): MedianRun {
  const sorted = [...attempts].sort((a, b) => a.elapsedMs - b.elapsedMs);
  return {
    ...sorted[Math.floor((sorted.length - 1) / 2)],
    allElapsedMs: attempts.map((attempt) => attempt.elapsedMs),
    duplicates: attempts.reduce((sum, attempt) => sum + attempt.duplicates, 0),
  };
}

/** This process's successful refreshes, from its Prometheus counter. */
async function refreshesDoneBy(server: AppServer): Promise<number> {
  const text = await fetch(`${server.url}/metrics`).then((res) => res.text());
  const line = text.split('\n').find((l) => l.startsWith('oauth_token_refresh_total{') && l.includes('outcome="success"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

function printReport(results: ReplicasResults): void {
  const { options, runs } = results;
  const single = runs.find((run) => run.replicas === 1) ?? runs[0];
  console.log(`\n## Replicas — ${results.date}\n${results.machine}; ${results.database}`);
  console.log(
    `R = N = ${options.rows} tokens, all due; provider latency ${options.latencyMs} ms; TOKEN_HEALTH_CONCURRENCY=${options.concurrency} per replica; median of ${options.repeats} runs\n`,
  );
  const rows = runs.map((run) => {
    const ideal = Math.ceil(options.rows / (run.replicas * options.concurrency)) * options.latencyMs;
    return [
      String(run.replicas),
      `${ms(run.elapsedMs)} (${run.allElapsedMs.map(ms).join(', ')})`,
      ratio(single.elapsedMs / run.elapsedMs),
      ms(ideal),
      run.perReplica.join(' / '),
      String(run.providerRefreshes),
      String(run.duplicates),
    ];
  });
  console.log(
    table(
      [
        'replicas',
        'cycle wall time: median (runs)',
        'speed-up vs 1',
        'latency floor ⌈R/(k·C)⌉×latency',
        'refreshes per replica',
        'provider calls',
        'duplicates',
      ],
      rows,
    ),
  );
  console.log('\nTargets (issue 8):');
  for (const row of summarize(results)) console.log(`- ${row.figure}: ${row.measured}${row.target ? ` (target ${row.target})` : ''} ${row.verdict}`);
}

export function summarize({ runs }: ReplicasResults): SummaryRow[] {
  const single = runs.find((run) => run.replicas === 1) ?? runs[0];
  const rows: SummaryRow[] = runs.map((run, i) => ({
    figure: `cycle with ${run.replicas} replica(s)`,
    measured: `${ms(run.elapsedMs)} (speed-up ${ratio(single.elapsedMs / run.elapsedMs)})`,
    target: i === 0 ? '' : 'faster than with fewer',
    verdict: i === 0 ? '' : verdict(run.elapsedMs < runs[i - 1].elapsedMs),
  }));
  const duplicates = runs.reduce((sum, run) => sum + run.duplicates, 0);
  rows.push({ figure: 'duplicate refreshes (all runs)', measured: String(duplicates), target: '0', verdict: verdict(duplicates === 0) });
  return rows;
}

if (require.main === module) runMain(main);
