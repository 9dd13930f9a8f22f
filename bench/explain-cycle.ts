'use strict';
// EXPLAIN (ANALYZE, BUFFERS) of the statements of one check cycle at size N, in the order
// the cycle runs them (classification, then one claim), inside a transaction that is rolled
// back. The SQL is captured from the built repositories, so it is exactly the app's.
//
//   node bench/explain-cycle.js [--rows=100k] [--concurrency=10] [--json=PATH]
const { parseArgs, numberFlag, sizeListFlag } = require('./lib/args');
const { runMain } = require('./lib/cleanup');
const { createBenchDatabase, connect } = require('./lib/database');
const { count } = require('./lib/format');
const { writeResults } = require('./lib/results');
const { seedTokens } = require('./lib/seed');
const { dist } = require('./lib/paths');

const { OAuthTokenSweepRepository } = require(dist('src/oauth/oauth-token-sweep.repository'));
const { OAuthTokenLeaseRepository } = require(dist('src/oauth/oauth-token-lease.repository'));

const POLICY = { expiryWindowMinutes: 60, minRefreshIntervalMinutes: 10, refreshExpiryWarningDays: 7, leaseSeconds: 120 };

async function main() {
  const flags = parseArgs();
  const rows = sizeListFlag(flags, 'rows', [100_000])[0];
  const concurrency = numberFlag(flags, 'concurrency', 10);
  const database = await createBenchDatabase('explain');
  const db = await connect(database.url);
  await seedTokens(db, { rows, dueEvery: 100 });
  const statements = await captureCycleSql(concurrency);
  const plans = [];
  await db.query('BEGIN');
  try {
    const bulk = await explain(db, 'UPDATE oauth_tokens SET last_health_check = now()', []);
    plans.push({ name: 'floor: bulk UPDATE of last_health_check', plan: bulk });
    await db.query('ROLLBACK');
    await db.query('BEGIN');
    for (const { name, sql, params } of statements) plans.push({ name, plan: await explain(db, sql, params) });
  } finally {
    await db.query('ROLLBACK');
  }
  console.log(`\n## EXPLAIN ANALYZE of one cycle's statements, N=${count(rows)}, claim batch ${concurrency}\n`);
  for (const { name, plan } of plans) console.log(`### ${name}\n\n\`\`\`\n${plan}\n\`\`\`\n`);
  writeResults(flags, { bench: 'explain-cycle', rows, plans });
}

/** Runs the repository against a recording stand-in for the DataSource. */
async function captureCycleSql(limit) {
  const captured = [];
  const recorder = { query: async (sql, params) => (captured.push({ sql, params }), [[], 0]) };
  const sweep = new OAuthTokenSweepRepository(recorder);
  const leases = new OAuthTokenLeaseRepository(recorder, null);
  const cycleStart = new Date(Math.floor(Date.now() / 1000) * 1000);
  await sweep.classifyWithoutProviderCall(cycleStart, {}, POLICY);
  await leases.claimDue(cycleStart, {}, POLICY, limit);
  const names = ['classify: no refresh token', 'classify: verified without a call', 'classify: throttled', 'claim one batch'];
  return captured.map((statement, index) => ({ name: names[index] ?? `statement ${index + 1}`, ...statement }));
}

async function explain(db, sql, params) {
  const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

runMain(main);
