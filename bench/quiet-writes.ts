// A cycle writes what changed: N tokens, 1 % due, no status change. A started server fired by
// its own cron (every 20 s, --tick) runs 5 cycles; a different 1 % falls due at each (seeded expiries,
// so the bench writes nothing between cycles); before each the bench takes a CHECKPOINT (in production cycles are 30 min apart and checkpoints every
// 5 min, so every cycle's first touch of a page writes a full-page image). Per cycle: WAL bytes
// (pg_current_wal_lsn), updates / HOT updates / dead tuples (pg_stat_user_tables), and
// table + index size over the 5 cycles. Beside it, in the same run: what main's sweep does,
// one UPDATE of every row's last_health_check, measured the same way.
//
//   node dist/bench/quiet-writes.js [--rows=100000] [--cycles=5] [--tick=20] [--json=PATH]
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { numberFlag, parseArgs } from './lib/args';
import { appEnv } from './lib/app-env';
import { startAppServer } from './lib/app-server';
import { runMain } from './lib/cleanup';
import { connect, createBenchDatabase } from './lib/database';
import { startFakeProvider } from './lib/fake-provider';
import { count, mb, ms, percent, ratio, table, verdict } from './lib/format';
import { machine, writeResults } from './lib/results';
import { seedTokens } from './lib/seed';

const LATENCY_MS = 50;
const CONCURRENCY = 50;
// Seconds between cron ticks (a divisor of 60): long enough for a cycle to end before the next.
let tickSeconds = 20;

interface WriteCost {
  walBytes: number;
  /** autovacuum and autoanalyze runs on the table: their WAL is in the cluster-wide LSN difference. */
  autovacuums: number;
  updates: number;
  hotUpdates: number;
  deadTuples: number;
}

interface CycleFigures extends WriteCost {
  elapsedMs: number;
  refreshed: number;
}

const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));
const log = (line: string) => console.log(`[quiet-writes] ${line}`);

async function main(): Promise<void> {
  const flags = parseArgs();
  const rows = numberFlag(flags, 'rows', 100_000);
  const cycles = numberFlag(flags, 'cycles', 5);
  tickSeconds = numberFlag(flags, 'tick', tickSeconds);
  const database = await createBenchDatabase('quiet_writes', { maxConnections: 100 });
  const db = await connect(database.url);
  const fake = await startFakeProvider(LATENCY_MS);

  log(`seeding N=${count(rows)}: ${cycles} groups of 1 % that fall due one cycle after another`);
  const { due } = await seedTokens(db, { rows, dueEvery: 100 / cycles });
  const groupSize = due / cycles;
  await parkDueRows(db);
  const baseline = await plainUpdateBaseline(db, cycles);
  await seedTokens(db, { rows, dueEvery: 100 / cycles });
  await parkDueRows(db);

  const server = await startAppServer({
    ...appEnv({ databaseUrl: database.url, accountsUrl: fake.url, concurrency: CONCURRENCY }),
    TZ: 'UTC',
    TOKEN_HEALTH_ENABLED: 'true',
    TOKEN_HEALTH_CRON: `*/${tickSeconds} * * * * *`,
  });
  const figures: CycleFigures[] = [];
  let sizeBefore = 0;
  try {
    // The first tick may fall while the server starts: skip it.
    await waitForSweepAfter(db, await latestSweepId(db));
    const firstTick = await scheduleGroups(db, cycles);
    await db.query('VACUUM oauth_tokens');
    sizeBefore = await tableSize(db);
    for (let cycle = 0; cycle < cycles; cycle++) {
      const tick = new Date(firstTick.getTime() + cycle * tickSeconds * 1000);
      // Cycles 30 min apart with checkpoints every 5 min: each cycle starts after a checkpoint.
      await db.query('CHECKPOINT');
      const before = await writeCounters(db);
      const sweepId = await waitForSweepFrom(db, tick);
      const refreshedBy = await waitForGroupRefreshed(db, tick, groupSize);
      const done = new Date(Math.max(refreshedBy.getTime(), (await sweepFinishedAt(db, sweepId)).getTime()));
      await sleep(1500); // the server's table statistics reach pg_stat_user_tables within a second
      const after = await writeCounters(db);
      figures.push({ ...difference(before, after), elapsedMs: done.getTime() - tick.getTime(), refreshed: groupSize });
      log(`cycle ${cycle + 1}: ${describe(figures[figures.length - 1], rows)}, ${ms(figures[figures.length - 1].elapsedMs)}`);
    }
  } finally {
    await server.stop();
  }
  const sizeAfter = await tableSize(db);
  const providerFloorMs = Math.ceil(groupSize / CONCURRENCY) * LATENCY_MS;
  const floorMs = providerFloorMs + baseline.bulkUpdateMs;
  const walTarget = (200e6 * rows) / 1e6;
  const largestWal = Math.max(...figures.map((figure) => figure.walBytes));
  const first = figures[0];
  const worstElapsed = Math.max(...figures.map((figure) => figure.elapsedMs));
  const growth = sizeAfter / sizeBefore - 1;
  const report = {
    bench: 'quiet-writes',
    date: new Date().toISOString(),
    machine: machine(),
    database: database.description,
    rows,
    duePerCycle: groupSize,
    cycles: figures,
    baseline,
    sizeBefore,
    sizeAfter,
    floorMs,
  };
  console.log(
    table(
      ['figure', 'main (UPDATE of every row)', 'this branch', 'target', ''],
      [
        [
          'WAL per cycle (first / largest)',
          mb(baseline.cost.walBytes),
          `${mb(first.walBytes)} / ${mb(largestWal)}`,
          `≤ ${mb(walTarget)} (200 MB at 1M)`,
          verdict(largestWal <= walTarget),
        ],
        ['WAL bytes per row', count(Math.round(baseline.cost.walBytes / rows)), count(Math.round(first.walBytes / rows)), '', ''],
        ['rows updated', count(baseline.cost.updates), count(first.updates), '', ''],
        ['HOT share of updates', percent(share(baseline.cost)), percent(share(first)), '', ''],
        [
          'dead tuples after a cycle',
          count(baseline.cost.deadTuples),
          count(first.deadTuples),
          '≤ 10 % of rows',
          verdict(first.deadTuples <= 0.1 * rows),
        ],
        [`size growth over ${cycles} cycles`, percent(baseline.growth), percent(growth), '≤ 5 %', verdict(growth <= 0.05)],
        [
          'slowest cycle / floor (R/C × latency + bulk UPDATE)',
          '',
          `${ms(worstElapsed)} / ${ms(floorMs)} = ${ratio(worstElapsed / floorMs)}`,
          '≤ 1.2×',
          verdict(worstElapsed <= 1.2 * floorMs),
        ],
        [
          'slowest cycle / R/C × latency alone',
          '',
          `${ms(worstElapsed)} / ${ms(providerFloorMs)} = ${ratio(worstElapsed / providerFloorMs)}`,
          '',
          '',
        ],
      ],
    ),
  );
  writeResults(flags, report);
}

/** What main's sweep costs: every row's check time rewritten, `cycles` times, each after a checkpoint. */
async function plainUpdateBaseline(db: Client, cycles: number): Promise<{ cost: WriteCost; growth: number; bulkUpdateMs: number }> {
  const sizeBefore = await tableSize(db);
  let cost: WriteCost | undefined;
  let bulkUpdateMs = Infinity;
  for (let cycle = 0; cycle < cycles; cycle++) {
    await db.query('CHECKPOINT');
    await sleep(1500); // earlier statements' statistics still on their way
    const before = await writeCounters(db);
    const started = performance.now();
    await db.query('UPDATE oauth_tokens SET last_health_check = now()');
    bulkUpdateMs = Math.min(bulkUpdateMs, performance.now() - started);
    await sleep(1500);
    cost ??= difference(before, await writeCounters(db));
  }
  const growth = (await tableSize(db)) / sizeBefore - 1;
  log(`main's path (UPDATE of every row): ${describe(cost!, Number(cost!.updates))}, size +${percent(growth)}`);
  return { cost: cost!, growth, bulkUpdateMs };
}

/** The due rows wait far from expiry until the cycles to measure are known. */
async function parkDueRows(db: Client): Promise<void> {
  await db.query(`UPDATE oauth_tokens SET token_expiry = now() + interval '30 days' WHERE client_id LIKE 'due-%'`);
  await db.query('VACUUM ANALYZE oauth_tokens');
}

/** Group g falls due at the g-th tick from the next one (the window is 60 minutes); returns that next tick. */
async function scheduleGroups(db: Client, groups: number): Promise<Date> {
  const { rows } = await db.query<{ now: Date }>('SELECT now() AS now');
  const tickMs = tickSeconds * 1000;
  const firstTick = new Date(Math.ceil((rows[0].now.getTime() + 8000) / tickMs) * tickMs);
  await db.query(
    `UPDATE oauth_tokens
        SET token_expiry = $1::timestamptz + interval '60 minutes' + ((substring(client_id FROM 5)::int / (100 / $2::int)) % $2::int) * $3::float8 * interval '1 second' - $3::float8 / 2 * interval '1 second'
      WHERE client_id LIKE 'due-%'`,
    [firstTick, groups, tickSeconds],
  );
  return firstTick;
}

async function writeCounters(db: Client): Promise<WriteCost> {
  const {
    rows: [row],
  } = await db.query<{ lsn: string; updates: string; hot: string; dead: string; autovacuums: string }>(
    `SELECT pg_current_wal_lsn()::text AS lsn, n_tup_upd::text AS updates, n_tup_hot_upd::text AS hot, n_dead_tup::text AS dead,
            (autovacuum_count + autoanalyze_count)::text AS autovacuums
       FROM pg_stat_user_tables WHERE relname = 'oauth_tokens'`,
  );
  return {
    walBytes: lsnBytes(row.lsn),
    autovacuums: Number(row.autovacuums),
    updates: Number(row.updates),
    hotUpdates: Number(row.hot),
    deadTuples: Number(row.dead),
  };
}

function difference(before: WriteCost, after: WriteCost): WriteCost {
  return {
    walBytes: after.walBytes - before.walBytes,
    autovacuums: after.autovacuums - before.autovacuums,
    updates: after.updates - before.updates,
    hotUpdates: after.hotUpdates - before.hotUpdates,
    // Dead tuples are a level, not a counter: what the cycle left for autovacuum.
    deadTuples: after.deadTuples,
  };
}

function lsnBytes(lsn: string): number {
  const [high, low] = lsn.split('/').map((part) => parseInt(part, 16));
  return high * 2 ** 32 + low;
}

const share = (cost: WriteCost) => (cost.updates === 0 ? null : cost.hotUpdates / cost.updates);
const describe = (cost: WriteCost, rows: number) =>
  `WAL ${mb(cost.walBytes)} (${count(Math.round(cost.walBytes / Math.max(rows, 1)))} B/row), ${count(cost.updates)} updates (${percent(share(cost))} HOT), ${count(cost.deadTuples)} dead, ${cost.autovacuums} autovacuum/analyze run(s)`;

async function tableSize(db: Client): Promise<number> {
  const { rows } = await db.query<{ bytes: string }>(`SELECT pg_total_relation_size('oauth_tokens')::text AS bytes`);
  return Number(rows[0].bytes);
}

async function latestSweepId(db: Client): Promise<number> {
  const { rows } = await db.query<{ id: string | null }>('SELECT max(id)::text AS id FROM token_health_sweeps');
  return Number(rows[0].id ?? 0);
}

async function waitForSweepAfter(db: Client, id: number, timeoutMs = 10 * 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const latest = await latestSweepId(db);
    if (latest > id) return latest;
    await sleep(100);
  }
  throw new Error(`no sweep after #${id} within ${ms(timeoutMs)}`);
}

async function waitForSweepFrom(db: Client, tick: Date, timeoutMs = 10 * 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await db.query<{ id: string | null }>('SELECT max(id)::text AS id FROM token_health_sweeps WHERE started_at >= $1', [tick]);
    if (rows[0].id !== null) return Number(rows[0].id);
    await sleep(100);
  }
  throw new Error(`no sweep from ${tick.toISOString()} within ${ms(timeoutMs)}`);
}

async function sweepFinishedAt(db: Client, id: number): Promise<Date> {
  const { rows } = await db.query<{ finished_at: Date }>('SELECT finished_at FROM token_health_sweeps WHERE id = $1', [id]);
  return rows[0].finished_at;
}

/** The cycle's refreshes as the table shows them: the group due at `tick` refreshed; the last one's time. */
async function waitForGroupRefreshed(db: Client, tick: Date, groupSize: number, timeoutMs = 10 * 60_000): Promise<Date> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const {
      rows: [row],
    } = await db.query<{ refreshed: number; last: Date | null }>(
      `SELECT count(*)::int AS refreshed, max(last_health_check) AS last FROM oauth_tokens WHERE client_id LIKE 'due-%' AND last_refreshed_at >= $1`,
      [tick],
    );
    if (row.refreshed >= groupSize) return row.last!;
    await sleep(100);
  }
  throw new Error(`the tokens due at ${tick.toISOString()} were not refreshed within ${ms(timeoutMs)}`);
}

runMain(main);
