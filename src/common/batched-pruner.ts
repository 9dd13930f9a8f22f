import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

export interface PrunerSchedule {
  /** Named in the warning when a pass fails ("Pruning <what> failed: …"). */
  what: string;
  firstDelayMs: number;
  intervalMs: number;
  batchSize: number;
}

/**
 * Deletes rows in the background, a batch at a time (short transactions, so
 * writers of the same table never wait long), until a batch comes back short.
 * Subclasses say which rows by implementing `deleteBatch`.
 */
export abstract class BatchedPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(this.constructor.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  protected constructor(private readonly schedule: PrunerSchedule) {}

  /** Deletes at most `limit` rows; returns how many it deleted. */
  protected abstract deleteBatch(limit: number): Promise<number>;

  onApplicationBootstrap(): void {
    this.scheduleNext(this.schedule.firstDelayMs);
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

  private scheduleNext(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.prune()
        .catch((error: unknown) => this.logger.warn(`Pruning ${this.schedule.what} failed: ${(error as Error).message}`))
        .finally(() => this.timer && this.scheduleNext(this.schedule.intervalMs));
    }, delayMs);
    this.timer.unref();
  }

  private async pruneAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.deleteBatch(this.schedule.batchSize);
      total += deleted;
      if (deleted < this.schedule.batchSize) return total;
    }
  }
}
