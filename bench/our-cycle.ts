// Child process of check-cycle.ts: boots the real application (AppModule) from the
// environment, runs ONE scheduled check cycle and reports its time and memory.
//
// It times TokenHealthService.runScheduledCheck() — what the cron runs: the cycle
// (CheckCycleRunner.run) plus the scan for due alerts — not checkAllTokens(), which would
// also load every report into memory to return it (100k reports for the 100k run).
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { performance } from 'node:perf_hooks';
import { AppModule } from '../src/app.module';
import { parseAppConfig } from '../src/config/parse-app-config';
import { OAuthTokenLeaseRepository } from '../src/oauth/oauth-token-lease.repository';
import { OAuthTokenSweepRepository } from '../src/oauth/oauth-token-sweep.repository';
import { TokenRefresher } from '../src/oauth/token-refresher';
import { CheckCycleStats } from '../src/token-health/check-cycle.stats';
import { TokenAlertService } from '../src/token-health/token-alert.service';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { childMain } from './lib/child';
import { CpuUse, measureCpu } from './lib/machine-cpu';

export interface Phase {
  calls: number;
  totalMs: number;
  firstStartMs: number | undefined;
  lastEndMs: number;
}

export interface OurCycleResult {
  elapsedMs: number;
  cycleStartedAt: number;
  cpuMs: number;
  machineCpu: CpuUse | null;
  summary: unknown;
  rssAtStart: number;
  cyclePeakRss: number;
  maxRss: number;
  phases: Record<string, Phase>;
}

type AsyncMethod = (...args: unknown[]) => Promise<unknown>;
type Injectable<T> = abstract new (...args: never[]) => T;

// A method of the class by name, checked by the compiler, so a rename in src/ fails the build.
const phase = <T extends object>(type: Injectable<T>, method: keyof T & string): [Injectable<object>, string] => [type, method];

// The cycle's phases, timed by wrapping these methods of the live instances: it shows
// where a cycle spends its time (classification SQL, claims, refreshes, alert scan).
const PHASES = [
  phase(OAuthTokenSweepRepository, 'classifyWithoutProviderCall'),
  phase(OAuthTokenLeaseRepository, 'claimDue'),
  phase(OAuthTokenLeaseRepository, 'writeResults'),
  // One refresh: the provider call plus the app's own work around it (no database).
  phase(TokenRefresher, 'refresh'),
  phase(TokenAlertService, 'raiseDueAlerts'),
];

async function measure(): Promise<OurCycleResult> {
  const config = parseAppConfig(process.env);
  const app = await NestFactory.create(AppModule.forRoot(config, { emitSchema: false }), { logger: ['error', 'warn'] });
  await app.init();
  const phases = timePhases(app);
  try {
    return { ...(await timeOneCycle(app)), phases };
  } finally {
    await app.close();
  }
}

async function timeOneCycle(app: INestApplication): Promise<Omit<OurCycleResult, 'phases'>> {
  const rssAtStart = process.memoryUsage.rss();
  const sampler = sampleRss();
  const cpuAtStart = process.cpuUsage();
  const machineCpu = measureCpu({ root: String(process.ppid), labels: { [process.pid]: 'app', [process.ppid]: 'fake provider' } });
  const started = performance.now();
  await app.get(TokenHealthService).runScheduledCheck();
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuAtStart);
  const machine = machineCpu.stop();
  const cyclePeakRss = sampler.stop();
  const stats = app.get(CheckCycleStats);
  // runScheduledCheck never throws: a failed cycle shows up here instead.
  if (stats.lastError) throw new Error(`the cycle failed: ${stats.lastError}`);
  return {
    elapsedMs,
    cycleStartedAt: started,
    // Node's own CPU time during the cycle: near elapsedMs means this process was the bottleneck.
    cpuMs: (cpu.user + cpu.system) / 1000,
    machineCpu: machine,
    summary: stats.lastSummary,
    rssAtStart,
    cyclePeakRss,
    // Whole-process peak (boot included), in bytes; maxRSS is in kilobytes.
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
}

function timePhases(app: INestApplication): Record<string, Phase> {
  const phases: Record<string, Phase> = {};
  for (const [type, method] of PHASES) {
    const instance = app.get<object, Record<string, AsyncMethod>>(type, { strict: false });
    const original = instance[method].bind(instance);
    const phase: Phase = (phases[method] = { calls: 0, totalMs: 0, firstStartMs: undefined, lastEndMs: 0 });
    instance[method] = async (...args: unknown[]) => {
      const started = performance.now();
      phase.firstStartMs ??= started;
      try {
        return await original(...args);
      } finally {
        phase.calls++;
        phase.totalMs += performance.now() - started;
        phase.lastEndMs = performance.now();
      }
    };
  }
  return phases;
}

// maxRSS also covers the boot; sampling shows what the cycle itself adds on top.
function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

childMain(measure);
