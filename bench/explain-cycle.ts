// EXPLAIN (ANALYZE, BUFFERS) of the statements of one check cycle at size N, in the order
// the cycle runs them (classification, then one claim), inside a transaction that is rolled
// back. The SQL is captured from the built repositories, so it is exactly the app's.
//
//   node dist/bench/explain-cycle.js [--rows=100k] [--concurrency=10] [--json=PATH]
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { OAuthTokenLeaseRepository } from '../src/oauth/oauth-token-lease.repository';
import { OAuthTokenSweepRepository } from '../src/oauth/oauth-token-sweep.repository';
import { TokenCipher } from '../src/oauth/token-cipher';
import { numberFlag, parseArgs, sizeListFlag } from './lib/args';
import { runMain } from './lib/cleanup';
import { connect, createBenchDatabase } from './lib/database';
import { count } from './lib/format';
import { writeResults } from './lib/results';
import { seedTokens } from './lib/seed';
import { ReservedPool } from '../src/database/reserved-pool';

interface Statement {
  name: string;
  sql: string;
  params: unknown[];
}

const POLICY = { expiryWindowMinutes: 60, minRefreshIntervalMinutes: 10, refreshExpiryWarningDays: 7, leaseSeconds: 120, deadGrantRetryHours: 24 };

async function main(): Promise<void> {
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
async function captureCycleSql(limit: number): Promise<Statement[]> {
  const captured: { sql: string; params: unknown[] }[] = [];
  const recorder = {
    query: (sql: string, params: unknown[] = []) => {
      captured.push({ sql, params });
      return Promise.resolve([[], 0]);
    },
  } as unknown as DataSource;
  const sweep = new OAuthTokenSweepRepository(new ReservedPool(recorder));
  // The claim returns no rows here, so the cipher never decrypts anything.
  const leases = new OAuthTokenLeaseRepository(recorder, new ReservedPool(recorder), new TokenCipher(randomBytes(32)));
  const cycleStart = new Date(Math.floor(Date.now() / 1000) * 1000);
  await sweep.classifyWithoutProviderCall(cycleStart, {}, POLICY);
  await leases.claimDue(cycleStart, {}, POLICY, limit);
  const names = ['classify: no refresh token', 'classify: verified without a call', 'classify: throttled', 'claim one batch'];
  return captured.map((statement, index) => ({ name: names[index] ?? `statement ${index + 1}`, ...statement }));
}

async function explain(db: Client, sql: string, params: unknown[]): Promise<string> {
  const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

runMain(main);
