'use strict';
// Runs every benchmark of issue 8 one after the other (each in its own process, so one's
// database and children are gone before the next starts) and ends with one Markdown table
// of the figures that have targets. `npm run bench` = build + this.
//
//   node bench/run-all.js            quick: baseline at 10k only, API on 100k rows, 10 s
//   node bench/run-all.js --no-quick the sizes: baseline at 100k, API on 1M rows, 30 s
//   node bench/run-all.js --full     as --no-quick, plus the cycle at N = 1M
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { parseArgs } = require('./lib/args');
const { table } = require('./lib/format');
const { machine } = require('./lib/results');

const BENCHES = [
  { script: 'pipeline.js', title: 'Refresh pipeline, started servers (issue 12)' },
  { script: 'check-cycle.js', title: 'Check cycle (points 1–3)' },
  { script: 'replicas.js', title: 'Replicas (point 4)' },
  { script: 'api-latency.js', title: 'API latency (point 5)' },
  { script: 'fleet-latency.js', title: 'Fleet API and console latency (issue 13)' },
  { script: 'surface-attacks.js', title: 'Surface attacks (issue 11)' },
];

function benchArgs(flags) {
  if (flags.full) return ['--full'];
  return flags['no-quick'] ? [] : ['--quick'];
}

function main() {
  const flags = parseArgs();
  const workDir = mkdtempSync(join(tmpdir(), 'token-health-bench-results-'));
  const started = new Date();
  const rows = [];
  let failures = 0;
  try {
    for (const { script, title } of BENCHES) {
      const jsonPath = join(workDir, `${script}.json`);
      console.log(`\n# ${title}: node bench/${script} ${benchArgs(flags).join(' ')}\n`);
      const run = spawnSync(process.execPath, [join(__dirname, script), ...benchArgs(flags), `--json=${jsonPath}`], { stdio: 'inherit' });
      if (run.status !== 0) {
        failures++;
        rows.push([title, `failed (exit ${run.status ?? run.signal})`, '', '']);
        continue;
      }
      const { summarize } = require(join(__dirname, script));
      for (const row of summarize(JSON.parse(readFileSync(jsonPath, 'utf8')))) {
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
