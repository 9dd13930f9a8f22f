import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TokenStatus } from '../oauth/token-status';

export type RefreshOutcome = 'success' | 'dead_grant' | 'failure' | 'throttled';
const REFRESH_OUTCOMES: RefreshOutcome[] = ['success', 'dead_grant', 'failure', 'throttled'];

/** One provider's pacing as this process sees it, read at scrape time from memory. */
export interface PacingReading {
  provider: string;
  maxRate: number | null;
  rate: number | null;
  queued: number;
  throttling: boolean;
}
export type DeliveryOutcome = 'sent' | 'retry' | 'failed';
const DELIVERY_OUTCOMES: DeliveryOutcome[] = ['sent', 'retry', 'failed'];

/**
 * The Prometheus series of the service. One registry per app instance (not the
 * global one) so several apps in one process — tests, replicas — don't collide.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly tokens = new Gauge({
    name: 'oauth_tokens',
    help: 'Stored OAuth tokens by provider and health status',
    labelNames: ['provider', 'status'],
    registers: [this.registry],
  });

  readonly refreshes = new Counter({
    name: 'oauth_token_refresh_total',
    help: 'Refresh attempts at the provider by outcome',
    labelNames: ['provider', 'outcome'],
    registers: [this.registry],
  });

  readonly unreadableTokens = new Counter({
    name: 'oauth_token_unreadable_total',
    help: 'Checks that found a stored token the service cannot decrypt (legacy plaintext, removed key, moved ciphertext)',
    labelNames: ['provider'],
    registers: [this.registry],
  });

  readonly checkDuration = new Histogram({
    name: 'token_health_check_duration_seconds',
    help: 'Duration of a full token health check cycle',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });

  readonly lastSuccess = new Gauge({
    name: 'token_health_last_success_timestamp_seconds',
    help: 'Unix time of the last completed token health check cycle',
    registers: [this.registry],
  });

  readonly alertsSent = new Counter({
    name: 'alerts_sent_total',
    help: 'Alert deliveries by channel and outcome (sent, retry, failed)',
    labelNames: ['channel', 'outcome'],
    registers: [this.registry],
  });

  readonly providerOutage = new Gauge({
    name: 'token_health_provider_outage',
    help: '1 while the provider has an open outage incident, else 0',
    labelNames: ['provider'],
    registers: [this.registry],
  });

  readonly alertsRaised = new Counter({
    name: 'token_health_alerts_total',
    help: 'Alerts accepted for delivery by this process, by type (token.unhealthy, token.reminder, token.recovered, provider.outage, provider.recovered, digest)',
    labelNames: ['type'],
    registers: [this.registry],
  });

  readonly outboxPending = new Gauge({
    name: 'alert_outbox_pending',
    help: 'Alert deliveries waiting in the outbox by channel (all replicas, read every 15 s)',
    labelNames: ['channel'],
    registers: [this.registry],
  });

  readonly outboxOldestPendingAge = new Gauge({
    name: 'alert_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest alert delivery waiting in the outbox by channel, 0 when none waits',
    labelNames: ['channel'],
    registers: [this.registry],
  });

  private checkerStalledSource: () => boolean = () => false;

  // Read at scrape time from memory: the same rule /health applies, not a copy of it in PromQL.
  readonly checkerStalled: Gauge = new Gauge({
    name: 'token_health_checker_stalled',
    help: '1 while this process says the checker has stalled (no completed cycle for 2 intervals, as /health), else 0',
    registers: [this.registry],
    collect: (): void => this.checkerStalled.set(this.checkerStalledSource() ? 1 : 0),
  });

  private pacingSource: () => PacingReading[] = () => [];
  private readonly oldestDue = new Map<string, number>();

  readonly refreshBudget: Gauge = new Gauge({
    name: 'token_health_provider_refresh_budget',
    help: 'Refresh requests per second the provider allows, all replicas together (configured or preset; -1 when unlimited)',
    labelNames: ['provider'],
    registers: [this.registry],
    collect: (): void => {
      for (const reading of this.pacingSource()) this.refreshBudget.set({ provider: reading.provider }, reading.maxRate ?? -1);
    },
  });

  readonly refreshRate: Gauge = new Gauge({
    name: 'token_health_provider_refresh_rate',
    help: 'Refresh requests per second in force now, lowered by throttling and raised as answers come back (-1 when unlimited)',
    labelNames: ['provider'],
    registers: [this.registry],
    collect: (): void => {
      for (const reading of this.pacingSource()) this.refreshRate.set({ provider: reading.provider }, reading.rate ?? -1);
    },
  });

  readonly refreshQueue: Gauge = new Gauge({
    name: 'token_health_provider_refresh_queue',
    help: 'Refreshes of this process waiting for a permit of the provider budget',
    labelNames: ['provider'],
    registers: [this.registry],
    collect: (): void => {
      for (const reading of this.pacingSource()) this.refreshQueue.set({ provider: reading.provider }, reading.queued);
    },
  });

  readonly providerThrottling: Gauge = new Gauge({
    name: 'token_health_provider_throttling',
    help: '1 while the provider keeps throttling refreshes despite pacing (not an outage), else 0',
    labelNames: ['provider'],
    registers: [this.registry],
    collect: (): void => {
      for (const reading of this.pacingSource()) this.providerThrottling.set({ provider: reading.provider }, reading.throttling ? 1 : 0);
    },
  });

  readonly oldestDueAge: Gauge = new Gauge({
    name: 'token_health_provider_oldest_due_age_seconds',
    help: "Seconds since the most urgent token this process's cycle claimed became due, 0 when the cycle has none waiting",
    labelNames: ['provider'],
    registers: [this.registry],
    collect: (): void => {
      const now = Date.now();
      for (const [provider, dueAt] of this.oldestDue) this.oldestDueAge.set({ provider }, dueAt > 0 ? Math.max(0, (now - dueAt) / 1000) : 0);
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  observePacing(source: () => PacingReading[]): void {
    this.pacingSource = source;
  }

  /** When the most urgent claimed token of the provider became due (0: none waiting). */
  recordOldestDue(provider: string, dueAt: number): void {
    this.oldestDue.set(provider, dueAt);
  }

  // A counter series born at 1 shows no increase() to Prometheus: starting it at 0 makes the first failure count.
  initialiseProviders(providers: string[]): void {
    for (const provider of providers) {
      for (const outcome of REFRESH_OUTCOMES) this.refreshes.inc({ provider, outcome }, 0);
      this.unreadableTokens.inc({ provider }, 0);
    }
  }

  initialiseChannels(channels: string[]): void {
    for (const channel of channels) for (const outcome of DELIVERY_OUTCOMES) this.alertsSent.inc({ channel, outcome }, 0);
  }

  observeCheckerStalled(isStalled: () => boolean): void {
    this.checkerStalledSource = isStalled;
  }

  /** `channels` get an explicit 0 unless they have entries waiting, so a backlog rule sees the series before the first alert. */
  setOutboxBacklog(channels: string[], pending: { channel: string; count: number; oldestAgeSeconds: number }[]): void {
    this.outboxPending.reset();
    this.outboxOldestPendingAge.reset();
    for (const channel of channels) {
      this.outboxPending.set({ channel }, 0);
      this.outboxOldestPendingAge.set({ channel }, 0);
    }
    for (const { channel, count, oldestAgeSeconds } of pending) {
      this.outboxPending.set({ channel }, count);
      this.outboxOldestPendingAge.set({ channel }, oldestAgeSeconds);
    }
  }

  recordDelivery(channel: string, outcome: DeliveryOutcome): void {
    this.alertsSent.inc({ channel, outcome });
  }

  recordAlert(type: string): void {
    this.alertsRaised.inc({ type });
  }

  /** `providers` get an explicit 0 unless in `open`, so an alert rule sees the series before the first outage. */
  setProviderOutages(providers: string[], open: string[]): void {
    this.providerOutage.reset();
    for (const provider of new Set([...providers, ...open])) this.providerOutage.set({ provider }, open.includes(provider) ? 1 : 0);
  }

  recordRefresh(provider: string, outcome: RefreshOutcome): void {
    this.refreshes.inc({ provider, outcome });
  }

  recordUnreadable(provider: string, count = 1): void {
    this.unreadableTokens.inc({ provider }, count);
  }

  recordCycle(durationSeconds: number, finishedAt: Date): void {
    this.checkDuration.observe(durationSeconds);
    this.lastSuccess.set(finishedAt.getTime() / 1000);
  }

  setTokenCounts(counts: { provider: string; status: string; count: number }[]): void {
    this.tokens.reset();
    // Every status of a provider gets a series, so `oauth_tokens{status="invalid"} > 0`
    // alerts see an explicit 0 instead of a series that is missing until the first failure.
    for (const provider of new Set(counts.map((row) => row.provider))) {
      for (const status of Object.values(TokenStatus)) this.tokens.set({ provider, status }, 0);
    }
    for (const { provider, status, count } of counts) this.tokens.set({ provider, status }, count);
  }
}
