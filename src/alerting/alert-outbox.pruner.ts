import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AlertOutboxRepository } from './alert-outbox.repository';

/** Settled (sent or given-up) rows are kept this long for inspection, then deleted: they hold connect links in plain text. */
export const OUTBOX_RETENTION_DAYS = 7;
const PRUNE_INTERVAL_MS = 60 * 60_000;
const FIRST_PRUNE_DELAY_MS = 60_000;
const BATCH_SIZE = 1000;

/** Deletes settled alert_outbox rows past their retention, in the background and in batches. */
@Injectable()
export class AlertOutboxPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertOutboxPruner.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(private readonly outbox: AlertOutboxRepository) {}

  onApplicationBootstrap(): void {
    this.schedule(FIRST_PRUNE_DELAY_MS);
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One full pass; a pass already running is joined. Returns how many rows were deleted. */
  prune(): Promise<number> {
    this.running ??= this.pruneAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.prune()
        .catch((error: unknown) => this.logger.warn(`Pruning the alert outbox failed: ${(error as Error).message}`))
        .finally(() => this.timer && this.schedule(PRUNE_INTERVAL_MS));
    }, delayMs);
    this.timer.unref();
  }

  private async pruneAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.outbox.deleteSettledOlderThan(OUTBOX_RETENTION_DAYS, BATCH_SIZE);
      total += deleted;
      if (deleted < BATCH_SIZE) return total;
    }
  }
}
