'use strict';
// Detection quality (issue 15): how many messages one provider outage and one batch of
// revoked grants produce per channel, with outage detection and digests (ours) against
// the same build with both switched off (baseline: one alert per token, as before),
// and what the detection costs per cycle. Both run in this process, one after the other.
//
//   node bench/detection.js [--sizes=200,2000] [--latency=20] [--concurrency=10] [--repeats=3] [--json=PATH]
//
// Scenario A (provider outage), per size N: every refresh answers 500 for 3 cycles except
// 10 revoked grants (invalid_code), then the provider recovers for 1 cycle.
// Scenario B (storm without an outage): 23 of N grants revoked in one cycle, the rest fine.
// Messages are counted as queued outbox rows per channel (the dispatcher is held off, so
// delivery time does not enter the figures); cycle times are TokenHealthService.runScheduledCheck().
require('reflect-metadata');
const { once } = require('node:events');
const { createServer } = require('node:http');
const { performance } = require('node:perf_hooks');
const { NestFactory } = require('@nestjs/core');
const { parseArgs, numberFlag, sizeListFlag } = require('./lib/args');
const { appEnv } = require('./lib/app-env');
const { runMain, onCleanup } = require('./lib/cleanup');
const { createBenchDatabase, connect } = require('./lib/database');
const { ms, ratio, count, table } = require('./lib/format');
const { dist } = require('./lib/paths');
const { machine, writeResults } = require('./lib/results');
const { seedTokens, resetTokens } = require('./lib/seed');
const { waitForQuietMachine } = require('./lib/machine-cpu');

const { AppModule } = require(dist('src/app.module'));
const { parseAppConfig } = require(dist('src/config/parse-app-config'));
const { TokenHealthService } = require(dist('src/token-health/token-health.service'));
const { ProviderOutageService } = require(dist('src/token-health/outages/provider-outage.service'));

const REVOKED_IN_OUTAGE = 10;
const REVOKED_STORM = 23;
const OFF = '1000000000';

/** The fake token endpoint: `down` answers 500, a revoked refresh token answers invalid_code. */
async function startProvider(latencyMs) {
  const state = { down: false, revoked: new Set(), refreshes: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      state.refreshes++;
      setTimeout(() => {
        if (state.revoked.has(form.get('refresh_token')))
          return res.writeHead(200, { 'content-type': 'application/json' }).end('{"error":"invalid_code"}');
        if (state.down) return res.writeHead(500, { 'content-type': 'text/plain' }).end('accounts server error');
        const body = {
          access_token: `a-${Math.random().toString(36).slice(2)}`,
          api_domain: 'https://www.zohoapis.com',
          token_type: 'Bearer',
          expires_in: 3600,
        };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      }, latencyMs);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onCleanup(() => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))));
  return { state, url: `http://127.0.0.1:${server.address().port}` };
}

async function bootApp(env) {
  const app = await NestFactory.create(AppModule.forRoot(parseAppConfig(env), { emitSchema: false }), { logger: ['error'] });
  await app.init();
  return app;
}

// Cycles are told apart by their whole-second start.
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));

async function scenario(db, app, provider, steps) {
  await resetTokens(db);
  await db.query('TRUNCATE alert_outbox, provider_outages');
  const outages = app.get(ProviderOutageService);
  const evaluate = outages.evaluateCycle.bind(outages);
  const timing = { cycles: [], evaluateMs: 0 };
  outages.evaluateCycle = async (...args) => {
    const started = performance.now();
    try {
      return await evaluate(...args);
    } finally {
      timing.evaluateMs += performance.now() - started;
    }
  };
  try {
    for (const step of steps) {
      step.before(provider.state);
      await nextSecond();
      const started = performance.now();
      await app.get(TokenHealthService).runScheduledCheck();
      timing.cycles.push(performance.now() - started);
    }
  } finally {
    outages.evaluateCycle = evaluate;
  }
  const rows = (
    await db.query(`SELECT channel, COALESCE(payload->>'event', 'token') AS event, count(*)::int AS n FROM alert_outbox GROUP BY 1, 2 ORDER BY 1, 2`)
  ).rows;
  const byChannel = {};
  for (const { channel, event, n } of rows) {
    byChannel[channel] ??= { total: 0 };
    byChannel[channel][event] = n;
    byChannel[channel].total += n;
  }
  return { byChannel, ...timing };
}

const outageSteps = (size) => [
  ...[1, 2, 3].map(() => ({
    before: (state) => {
      state.down = true;
      state.revoked = new Set(Array.from({ length: REVOKED_IN_OUTAGE }, (_, i) => `bench-refresh-${size - 1 - i}`));
    },
  })),
  { before: (state) => (state.down = false) },
];

const stormSteps = () => [
  {
    before: (state) => {
      state.down = false;
      state.revoked = new Set(Array.from({ length: REVOKED_STORM }, (_, i) => `bench-refresh-${i}`));
    },
  },
];

/** Ours and the baseline alternate, so a machine that gets busier mid-run disturbs both alike. */
async function runSize(apps, db, provider, size, repeats) {
  await seedTokens(db, { rows: size, dueEvery: 1 });
  const runs = { ours: [], baseline: [] };
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const [mode, app] of Object.entries(apps)) {
      const outage = await scenario(db, app, provider, outageSteps(size));
      const storm = await scenario(db, app, provider, stormSteps());
      runs[mode].push({ outage, storm });
    }
  }
  return runs;
}

const TYPES = ['provider.outage', 'provider.recovered', 'token.unhealthy', 'token.reminder', 'token.recovered', 'digest'];
const slackBreakdown = (byChannel) => TYPES.map((type) => byChannel.slack?.[type] ?? 0);
const perChannel = (byChannel, channel) => byChannel[channel]?.total ?? 0;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const flags = parseArgs();
  const sizes = sizeListFlag(flags, 'sizes', [200, 2000]);
  const latencyMs = numberFlag(flags, 'latency', 20);
  const concurrency = numberFlag(flags, 'concurrency', 10);
  const repeats = numberFlag(flags, 'repeats', 3);
  const { url, description } = await createBenchDatabase('detection');
  const db = await connect(url);
  const provider = await startProvider(latencyMs);
  const base = appEnv({
    databaseUrl: url,
    accountsUrl: provider.url,
    concurrency,
    extra: {
      TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0',
      TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1',
      ALERT_REPEAT_INTERVAL_MINUTES: '0',
      // Channels enabled so alerts are queued per channel; the dispatcher never runs during the bench.
      ALERT_DISPATCH_INTERVAL_MS: '3600000',
      SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/slack',
      TWILIO_ACCOUNT_SID: 'AC0',
      TWILIO_AUTH_TOKEN: 'bench-twilio-token',
      TWILIO_FROM: '+15550000000',
      ALERT_SMS_TO: '+15551111111',
      TWILIO_API_URL: 'http://127.0.0.1:9',
      ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/hooks',
      ALERT_WEBHOOK_SECRET: 'whsec_' + Buffer.alloc(32, 7).toString('base64'),
    },
  });
  console.log(
    `# Detection bench — ${new Date().toISOString()}, ${description}, fake latency ${latencyMs} ms, C=${concurrency}, ${repeats} alternating runs per size\n\nMachine: ${machine()}\n`,
  );
  const apps = {
    ours: await bootApp(base),
    baseline: await bootApp({ ...base, PROVIDER_OUTAGE_MIN_FAILURES: OFF, ALERT_DIGEST_THRESHOLD: OFF }),
  };
  for (const app of Object.values(apps)) onCleanup(() => app.close());
  if (!flags['no-wait']) await waitForQuietMachine();

  const countRows = [];
  const timingRows = [];
  const results = {};
  for (const size of sizes) {
    const runs = (results[size] = await runSize(apps, db, provider, size, repeats));
    // Message counts should be the same in every run (a difference is printed); times are medians.
    for (const mode of ['ours', 'baseline']) {
      const counts = runs[mode].map((run) => JSON.stringify([run.outage.byChannel, run.storm.byChannel]));
      if (new Set(counts).size !== 1)
        console.warn(`[bench] ${mode} queued different messages in different runs at N=${size} (first run shown):\n${counts.join('\n')}`);
      const { outage, storm } = runs[mode][0];
      countRows.push([
        count(size),
        mode,
        ...slackBreakdown(outage.byChannel).map(String),
        String(perChannel(outage.byChannel, 'slack')),
        String(perChannel(outage.byChannel, 'sms')),
        String(perChannel(outage.byChannel, 'webhook')),
        `${perChannel(storm.byChannel, 'slack')} / ${perChannel(storm.byChannel, 'sms')} / ${perChannel(storm.byChannel, 'webhook')}`,
      ]);
    }
    const cycles = (mode) => median(runs[mode].flatMap((run) => run.outage.cycles));
    const evaluation = median(runs.ours.map((run) => run.outage.evaluateMs / run.outage.cycles.length));
    timingRows.push([
      count(size),
      ms(cycles('ours')),
      ms(cycles('baseline')),
      ratio(cycles('ours') / cycles('baseline')),
      ms(evaluation),
      ratio(evaluation / cycles('ours')),
    ]);
  }
  console.log(
    `## Messages queued in the outage scenario (3 failing cycles with ${REVOKED_IN_OUTAGE} revoked grants, then 1 recovered cycle; ALERT_REPEAT_INTERVAL_MINUTES=0, so every later cycle reminds)\n`,
  );
  console.log('Slack by type (email gets the same), then totals per channel; last column: the storm scenario.\n');
  console.log(table(['N', 'mode', ...TYPES, 'Slack', 'SMS', 'webhook', `${REVOKED_STORM} revoked, no outage: Slack / SMS / webhook`], countRows));
  console.log('\n## Cost: median cycle of the outage scenario (refreshes, outage evaluation, alerts)\n');
  console.log(table(['N', 'cycle, ours', 'cycle, baseline', 'ours / baseline', 'outage evaluation per cycle', 'share of our cycle'], timingRows));
  writeResults(flags, { sizes, latencyMs, concurrency, repeats, results });
}

runMain(main);
