// Runs every benchmark of issue 8 one after the other (each in its own process, so one's
// database and children are gone before the next starts) and ends with one Markdown table
// of the figures that have targets. `npm run bench` = build + compile + this.
//
//   node dist/bench/run-all.js            quick: baseline at 10k only, API on 100k rows, 10 s
//   node dist/bench/run-all.js --no-quick the sizes: baseline at 100k, API on 1M rows, 30 s
//   node dist/bench/run-all.js --full     as --no-quick, plus the cycle at N = 1M
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiLatencyResults, summarize as apiLatency } from './api-latency';
import { CheckCycleResults, summarize as checkCycle } from './check-cycle';
import { FleetLatencyResults, summarize as fleetLatency } from './fleet-latency';
import { Flags, parseArgs } from './lib/args';
import { SummaryRow, table } from './lib/format';
import { machine } from './lib/results';
import { PipelineResults, summarize as pipeline } from './pipeline';
import { ReplicasResults, summarize as replicas } from './replicas';
import { SurfaceAttackResults, summarize as surfaceAttacks } from './surface-attacks';

interface Bench {
  script: string;
  title: string;
  /** The bench's target rows from the JSON it wrote. */
  summarize: (json: string) => SummaryRow[];
}

const BENCHES: Bench[] = [
  {
    script: 'pipeline.js',
    title: 'Refresh pipeline, started servers (issue 12)',
    summarize: (json) => pipeline(JSON.parse(json) as PipelineResults),
  },
  { script: 'check-cycle.js', title: 'Check cycle (points 1–3)', summarize: (json) => checkCycle(JSON.parse(json) as CheckCycleResults) },
  { script: 'replicas.js', title: 'Replicas (point 4)', summarize: (json) => replicas(JSON.parse(json) as ReplicasResults) },
  { script: 'api-latency.js', title: 'API latency (point 5)', summarize: (json) => apiLatency(JSON.parse(json) as ApiLatencyResults) },
  {
    script: 'fleet-latency.js',
    title: 'Fleet API and console latency (issue 13)',
    summarize: (json) => fleetLatency(JSON.parse(json) as FleetLatencyResults),
  },
  {
    script: 'surface-attacks.js',
    title: 'Surface attacks (issue 11)',
    summarize: (json) => surfaceAttacks(JSON.parse(json) as SurfaceAttackResults),
  },
];

function benchArgs(flags: Flags): string[] {
  if (flags.full) return ['--full'];
  return flags['no-quick'] ? [] : ['--quick'];
}

function main(): void {
  const flags = parseArgs();
  const workDir = mkdtempSync(join(tmpdir(), 'token-health-bench-results-'));
  const started = new Date();
  const rows: string[][] = [];
  let failures = 0;
  try {
    for (const { script, title, summarize } of BENCHES) {
      const jsonPath = join(workDir, `${script}.json`);
      console.log(`\n# ${title}: node dist/bench/${script} ${benchArgs(flags).join(' ')}\n`);
      const run = spawnSync(process.execPath, [join(__dirname, script), ...benchArgs(flags), `--json=${jsonPath}`], { stdio: 'inherit' });
      if (run.status !== 0) {
        failures++;
        rows.push([title, `failed (exit ${run.status ?? run.signal})`, '', '']);
        continue;
      }
      for (const row of summarize(readFileSync(jsonPath, 'utf8'))) {
        rows.push([row.figure, row.measured, row.target, row.verdict]);
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  console.log(`\n# Summary — ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, mode ${benchArgs(flags)[0] ?? '--no-quick'}`);
  console.log(`${machine()}\n`);
  console.log(table(['figure', 'measured', 'target', 'verdict'], rows));
  process.exit(failures > 0 ? 1 : 0);
}

main();
