// Detection quality (issue 15): how many messages one provider outage and one batch of
// revoked grants produce per channel, with outage detection and digests (ours) against
// the same build with both switched off (baseline: one alert per token, as before),
// and what the detection costs per cycle. Both run in this process, one after the other.
//
//   node dist/bench/detection.js [--sizes=200,2000] [--latency=20] [--concurrency=10] [--repeats=3] [--json=PATH]
//     [--overlap-size=200] [--overlap-latency=60] [--replicas=3] [--rounds=5] [--baseline-ref=main] [--no-overlap] [--only=overlap]
//
// Scenario A (provider outage), per size N: every refresh answers 500 for 3 cycles except
// 10 revoked grants (invalid_code), then the provider recovers for 1 cycle.
// Scenario B (storm without an outage): 23 of N grants revoked in one cycle, the rest fine.
// Scenario C (overlapping cycles, lib/overlapping-cycles.ts): 3 built servers, 1-second cron
// shorter than a cycle, every refresh failing for --rounds rounds of the fleet, then recovery:
// this build against today's (--baseline-ref, default main, built into a temp directory),
// counting messages per channel, the detection delay and the longest uncovered stretch.
// Messages are counted as queued outbox rows per channel (the dispatcher is held off, so
// delivery time does not enter the figures); cycle times are TokenHealthService.runScheduledCheck().
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { AppModule } from '../src/app.module';
import { parseAppConfig } from '../src/config/parse-app-config';
import { ProviderOutageService } from '../src/token-health/outages/provider-outage.service';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { FakeOAuthProvider, zohoSuccess } from '../test/support/fake-oauth-provider';
import { numberFlag, parseArgs, sizeListFlag } from './lib/args';
import { appEnv, Env } from './lib/app-env';
import { onCleanup, runMain } from './lib/cleanup';
import { connect, createBenchDatabase } from './lib/database';
import { startFakeProvider } from './lib/fake-provider';
import { count, ms, ratio, table } from './lib/format';
import { waitForQuietMachine } from './lib/machine-cpu';
import { machine, writeResults } from './lib/results';
import { resetTokens, seedTokens } from './lib/seed';
import { buildBaseline } from './lib/baseline-build';
import { OverlapRun, runOverlappingCycles } from './lib/overlapping-cycles';

const REVOKED_IN_OUTAGE = 10;
const REVOKED_STORM = 23;
const OFF = '1000000000';

interface ProviderState {
  down: boolean;
  revoked: Set<string>;
}

/** The fake token endpoint: `down` answers 500, a revoked refresh token answers invalid_code. */
async function startProvider(latencyMs: number): Promise<{ state: ProviderState; url: string }> {
  const state: ProviderState = { down: false, revoked: new Set() };
  const fake: FakeOAuthProvider = await startFakeProvider(latencyMs);
  fake.defaultBehaviour = ({ refreshToken }) => {
    if (refreshToken !== null && state.revoked.has(refreshToken)) return { status: 200, body: { error: 'invalid_code' } };
    if (state.down) return { status: 500, body: 'accounts server error' };
    return zohoSuccess();
  };
  return { state, url: fake.url };
}

async function bootApp(env: Env): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(parseAppConfig(env), { emitSchema: false }), { logger: ['error'] });
  await app.init();
  return app;
}

// Cycles are told apart by their whole-second start.
const nextSecond = () => new Promise<void>((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));

interface Step {
  before(state: ProviderState): void;
}

type ByChannel = Record<string, Record<string, number> & { total: number }>;

interface ScenarioRun {
  byChannel: ByChannel;
  cycles: number[];
  evaluateMs: number;
}

interface SizeRuns {
  ours: { outage: ScenarioRun; storm: ScenarioRun }[];
  baseline: { outage: ScenarioRun; storm: ScenarioRun }[];
}

type Mode = keyof SizeRuns;

async function scenario(db: Client, app: INestApplication, provider: { state: ProviderState }, steps: Step[]): Promise<ScenarioRun> {
  await resetTokens(db);
  await db.query('TRUNCATE alert_outbox, provider_outages');
  const outages = app.get(ProviderOutageService);
  const evaluate = outages.evaluate.bind(outages);
  const timing = { cycles: [] as number[], evaluateMs: 0 };
  outages.evaluate = async (...args: Parameters<typeof evaluate>) => {
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
    outages.evaluate = evaluate;
  }
  const rows = (
    await db.query<{ channel: string; event: string; n: number }>(
      `SELECT channel, COALESCE(payload->>'event', 'token') AS event, count(*)::int AS n FROM alert_outbox GROUP BY 1, 2 ORDER BY 1, 2`,
    )
  ).rows;
  const byChannel: ByChannel = {};
  for (const { channel, event, n } of rows) {
    const counts = (byChannel[channel] ??= { total: 0 });
    counts[event] = n;
    counts.total += n;
  }
  return { byChannel, ...timing };
}

const outageSteps = (size: number): Step[] => [
  ...[1, 2, 3].map(() => ({
    before: (state: ProviderState) => {
      state.down = true;
      state.revoked = new Set(Array.from({ length: REVOKED_IN_OUTAGE }, (_, i) => `bench-refresh-${size - 1 - i}`));
    },
  })),
  {
    before: (state) => {
      state.down = false;
    },
  },
];

const stormSteps = (): Step[] => [
  {
    before: (state) => {
      state.down = false;
      state.revoked = new Set(Array.from({ length: REVOKED_STORM }, (_, i) => `bench-refresh-${i}`));
    },
  },
];

/** Ours and the baseline alternate, so a machine that gets busier mid-run disturbs both alike. */
async function runSize(
  apps: Record<Mode, INestApplication>,
  db: Client,
  provider: { state: ProviderState },
  size: number,
  repeats: number,
): Promise<SizeRuns> {
  await seedTokens(db, { rows: size, dueEvery: 1 });
  const runs: SizeRuns = { ours: [], baseline: [] };
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const mode of MODES) {
      const app = apps[mode];
      const outage = await scenario(db, app, provider, outageSteps(size));
      const storm = await scenario(db, app, provider, stormSteps());
      runs[mode].push({ outage, storm });
    }
  }
  return runs;
}

const TYPES = ['provider.outage', 'provider.recovered', 'token.unhealthy', 'token.reminder', 'token.recovered', 'digest'];
const MODES: Mode[] = ['ours', 'baseline'];
const slackBreakdown = (byChannel: ByChannel) => TYPES.map((type) => byChannel.slack?.[type] ?? 0);
const perChannel = (byChannel: ByChannel, channel: string) => byChannel[channel]?.total ?? 0;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
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
  const apps: Record<Mode, INestApplication> = {
    ours: await bootApp(base),
    baseline: await bootApp({ ...base, PROVIDER_OUTAGE_MIN_FAILURES: OFF, ALERT_DIGEST_THRESHOLD: OFF }),
  };
  for (const app of Object.values(apps)) onCleanup(() => app.close());
  if (!flags['no-wait']) await waitForQuietMachine();

  const countRows: string[][] = [];
  const timingRows: string[][] = [];
  const results: Record<number, SizeRuns> = {};
  for (const size of flags.only === 'overlap' ? [] : sizes) {
    const runs = (results[size] = await runSize(apps, db, provider, size, repeats));
    // Message counts should be the same in every run (a difference is printed); times are medians.
    for (const mode of MODES) {
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
    const cycles = (mode: Mode) => median(runs[mode].flatMap((run) => run.outage.cycles));
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
  const overlap = flags['no-overlap'] ? undefined : await overlapScenario(flags, db, base);
  writeResults(flags, { sizes, latencyMs, concurrency, repeats, results, overlap });
}

const OVERLAP_EVENTS = ['provider.outage', 'provider.recovered', 'token.unhealthy', 'token.recovered', 'digest'];

/** Scenario C: this build and today's (a baseline build of --baseline-ref) under overlapping cycles, one after the other. */
async function overlapScenario(flags: ReturnType<typeof parseArgs>, db: Client, base: Env): Promise<Record<Mode, OverlapRun>> {
  const size = numberFlag(flags, 'overlap-size', 200);
  const replicas = numberFlag(flags, 'replicas', 3);
  const rounds = numberFlag(flags, 'rounds', 5);
  const ref = typeof flags['baseline-ref'] === 'string' ? flags['baseline-ref'] : 'main';
  const fake = await startFakeProvider(numberFlag(flags, 'overlap-latency', 60));
  const env = {
    ...base,
    ZOHO_ACCOUNTS_URL: fake.url,
    ALERT_REPEAT_INTERVAL_MINUTES: '1440',
    TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES: '30',
  };
  const mains: Record<Mode, string | undefined> = { ours: undefined, baseline: buildBaseline(ref) };
  const runs = {} as Record<Mode, OverlapRun>;
  for (const mode of MODES) {
    await seedTokens(db, { rows: size, dueEvery: 1 });
    await db.query('TRUNCATE alert_outbox, provider_outages');
    runs[mode] = await runOverlappingCycles(db, fake, env, mains[mode], { size, revoked: REVOKED_IN_OUTAGE, replicas, rounds });
  }
  console.log(
    `\n## Overlapping cycles: ${replicas} built servers, cron every second, ${size} tokens (${REVOKED_IN_OUTAGE} revoked) failing for ${rounds} rounds, then recovery; ours against ${ref}\n`,
  );
  const rows = MODES.flatMap((mode) =>
    Object.entries(runs[mode].byChannel).map(([channel, events]) => [
      mode === 'ours' ? 'ours' : ref,
      channel,
      ...OVERLAP_EVENTS.map((event) => String(events[event] ?? 0)),
      String(Object.values(events).reduce((sum, n) => sum + n, 0)),
    ]),
  );
  console.log(table(['build', 'channel', ...OVERLAP_EVENTS, 'total'], rows));
  console.log('');
  console.log(
    table(
      ['build', 'incidents (closed)', 'detection delay', 'longest uncovered stretch', 'per-token transient alerts'],
      MODES.map((mode) => {
        const run = runs[mode];
        return [
          mode === 'ours' ? 'ours' : ref,
          `${run.incidents} (${run.closed})`,
          run.detectionMs === null ? 'never' : ms(run.detectionMs),
          ms(run.longestUncoveredMs),
          String(run.perTokenTransient),
        ];
      }),
    ),
  );
  return runs;
}

runMain(main);
