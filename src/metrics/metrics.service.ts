import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TokenStatus } from '../oauth/token-status';

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

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  recordDelivery(channel: string, outcome: 'sent' | 'retry' | 'failed'): void {
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

  recordRefresh(provider: string, outcome: string): void {
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
