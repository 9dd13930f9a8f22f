import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { WorkInFlight } from '../common/work-in-flight';
import { AlertOutboxRepository, OutboxEntry } from './alert-outbox.repository';
import { AlertChannel, AlertDeliveryError, DeliveryFailureKind } from './channels/alert-channel';
import { ALERT_CHANNELS } from './alerting.tokens';
import { HostAlertChannel } from './channels/host-alert.channel';
import { MetricsService } from '../metrics/metrics.service';
import { ConnectLinkService } from '../connect/connect-link.service';
import { resolveConnectLink } from './deferred-connect-link';

const BATCH_SIZE = 20;
const MAX_BACKOFF_SECONDS = 15 * 60;
export const NO_CHANNEL_WARNING =
  'No alert channel is configured (SLACK_WEBHOOK_URL, SMTP_URL + ALERT_EMAIL_TO, TWILIO_* + ALERT_SMS_TO, ALERT_WEBHOOK_URL + ALERT_WEBHOOK_SECRET): alerts stay due and go out once one is';

/**
 * Delivers the outbox. Each channel has its own loop, so one channel down never
 * delays another; failures back off exponentially (with jitter), permanent ones
 * are parked as `failed` with the reason.
 */
@Injectable()
export class AlertDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertDispatcher.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new WorkInFlight();
  private stopped = true;
  private readonly channels: AlertChannel[];

  constructor(
    private readonly outbox: AlertOutboxRepository,
    @Inject(ALERT_CHANNELS) channels: AlertChannel[],
    hostChannel: HostAlertChannel,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
    private readonly links: ConnectLinkService,
  ) {
    this.channels = [...channels, hostChannel];
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.metrics.initialiseChannels(this.channels.filter((candidate) => candidate.enabled).map((channel) => channel.name));
    if (!this.channels.some((channel) => channel.enabled)) this.logger.warn(NO_CHANNEL_WARNING);
    for (const channel of this.channels.filter((candidate) => candidate.enabled)) this.schedule(channel, 0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.timers.forEach((timer) => clearTimeout(timer));
    await this.running.settled();
  }

  /** Delivers everything of one channel that is due now; returns how many entries it tried. */
  async dispatchChannel(channel: AlertChannel): Promise<number> {
    // One delivery at a time holds a lease, so it only has to outlast one delivery (its timeout), with room to spare.
    const leaseSeconds = Math.ceil((this.config.alerts.channelTimeoutMs * 2) / 1000);
    let tried = 0;
    for (;;) {
      const entries = await this.outbox.claim(channel.name, BATCH_SIZE, leaseSeconds);
      for (const claimed of entries) {
        // Later entries of a batch wait behind slow deliveries; one whose lease ran out may be another replica's now.
        const entry = await this.outbox.startDelivery(claimed, leaseSeconds);
        if (entry) await this.deliver(channel, entry);
      }
      tried += entries.length;
      if (entries.length < BATCH_SIZE || this.stopped) return tried;
    }
  }

  private async deliver(channel: AlertChannel, entry: OutboxEntry): Promise<void> {
    try {
      // Signed now, not when queued: the outbox never holds a usable link, and the link's lifetime starts at delivery.
      await channel.deliver(resolveConnectLink(entry.alert, (clientId, provider) => this.links.createLink(clientId, provider)));
      if (!(await this.outbox.markSent(entry))) this.warnLeaseLost(channel, entry);
      this.metrics.recordDelivery(channel.name, 'sent');
    } catch (error) {
      const permanent = error instanceof AlertDeliveryError && error.code === DeliveryFailureKind.Permanent;
      const reason = error instanceof Error ? error.message : String(error);
      const { maxDeliveryAttempts } = this.config.alerts;
      if (permanent || (maxDeliveryAttempts !== undefined && entry.attempts >= maxDeliveryAttempts)) {
        if (!(await this.outbox.markFailed(entry, reason))) this.warnLeaseLost(channel, entry);
        this.metrics.recordDelivery(channel.name, 'failed');
        this.logger.error(`Alert ${entry.id} via ${channel.name} failed permanently: ${reason}`);
        return;
      }
      const delay = Math.min(MAX_BACKOFF_SECONDS, 2 ** (entry.attempts - 1)) * (0.75 + Math.random() * 0.5);
      if (!(await this.outbox.scheduleRetry(entry, delay, reason))) this.warnLeaseLost(channel, entry);
      this.metrics.recordDelivery(channel.name, 'retry');
      this.logger.warn(`Alert ${entry.id} via ${channel.name} will be retried in ${delay.toFixed(1)} s: ${reason}`);
    }
  }

  private warnLeaseLost(channel: AlertChannel, entry: OutboxEntry): void {
    this.logger.warn(`Alert ${entry.id} via ${channel.name}: the delivery outlasted its lease and another replica took the entry over`);
  }

  private schedule(channel: AlertChannel, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      void this.running.track(
        this.dispatchChannel(channel)
          .catch((error) => this.logger.error(`Dispatch of ${channel.name} alerts failed: ${(error as Error).message}`))
          .finally(() => this.schedule(channel, this.config.alerts.dispatchIntervalMs)),
      );
    }, delayMs);
    timer.unref();
    this.timers.set(channel.name, timer);
  }
}
