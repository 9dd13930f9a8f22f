import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { AlertOutboxRepository } from './alert-outbox.repository';
import { ALERT_CHANNELS } from './alerting.tokens';
import { AlertChannel } from './channels/alert-channel';

/** As often as the token counts: a backlog worth an alert lasts minutes, not seconds. */
export const OUTBOX_BACKLOG_REFRESH_MS = 15_000;

/**
 * Keeps the outbox backlog gauges current in the background, so a scrape reads
 * memory and never the table.
 */
@Injectable()
export class AlertOutboxBacklog implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AlertOutboxBacklog.name);
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;

  constructor(
    private readonly outbox: AlertOutboxRepository,
    @Inject(ALERT_CHANNELS) private readonly channels: AlertChannel[],
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), OUTBOX_BACKLOG_REFRESH_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.refreshing;
  }

  /** Joins a read in flight; never throws (a failed read keeps the last values). */
  refresh(): Promise<void> {
    this.refreshing ??= this.read().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async read(): Promise<void> {
    try {
      const pending = await this.outbox.pendingByChannel();
      const enabled = this.channels.filter((channel) => channel.enabled).map((channel) => channel.name);
      this.metrics.setOutboxBacklog(enabled, pending);
    } catch (error) {
      this.logger.warn(`Could not read the alert outbox backlog: ${(error as Error).message}`);
    }
  }
}
