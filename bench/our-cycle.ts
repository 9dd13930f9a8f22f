'use strict';
// Child process of check-cycle.js: boots the real application (AppModule, built code) from
// the environment, runs ONE scheduled check cycle and reports its time and memory.
//
// It times TokenHealthService.runScheduledCheck() — what the cron runs: the cycle
// (CheckCycleRunner.run) plus the scan for due alerts — not checkAllTokens(), which would
// also load every report into memory to return it (100k reports for the 100k run).
require('reflect-metadata');
const { performance } = require('node:perf_hooks');
const { NestFactory } = require('@nestjs/core');
const { childMain } = require('./lib/child');
const { dist } = require('./lib/paths');
const { measureCpu } = require('./lib/machine-cpu');

const { AppModule } = require(dist('src/app.module'));
const { parseAppConfig } = require(dist('src/config/parse-app-config'));
const { TokenHealthService } = require(dist('src/token-health/token-health.service'));
const { CheckCycleStats } = require(dist('src/token-health/check-cycle.stats'));
const { OAuthTokenSweepRepository } = require(dist('src/oauth/oauth-token-sweep.repository'));
const { OAuthTokenLeaseRepository } = require(dist('src/oauth/oauth-token-lease.repository'));
const { TokenRefresher } = require(dist('src/oauth/token-refresher'));
const { TokenAlertService } = require(dist('src/token-health/token-alert.service'));

// The cycle's phases, timed by wrapping these methods of the live instances: it shows
// where a cycle spends its time (classification SQL, claims, refreshes, alert scan).
const PHASES = [
  [OAuthTokenSweepRepository, 'classifyWithoutProviderCall'],
  [OAuthTokenLeaseRepository, 'claimDue'],
  [OAuthTokenLeaseRepository, 'writeResults'],
  // One refresh: the provider call plus the app's own work around it (no database).
  [TokenRefresher, 'refresh'],
  [TokenAlertService, 'raiseDueAlerts'],
];

async function measure() {
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

async function timeOneCycle(app) {
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

function timePhases(app) {
  const phases = {};
  for (const [type, method] of PHASES) {
    const instance = type.prototype ? app.get(type, { strict: false }) : type(app);
    const original = instance[method].bind(instance);
    const phase = (phases[method] = { calls: 0, totalMs: 0, firstStartMs: undefined, lastEndMs: 0 });
    instance[method] = async (...args) => {
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
function sampleRss() {
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
