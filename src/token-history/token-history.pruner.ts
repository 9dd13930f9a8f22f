import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { TokenHealthEventRepository } from './token-health-event.repository';

const PRUNE_INTERVAL_MS = 60 * 60_000;
const FIRST_PRUNE_DELAY_MS = 60_000;
// Small deletes keep each transaction short, so checks writing events never wait long on them.
const BATCH_SIZE = 5000;

/** Deletes status history older than TOKEN_HEALTH_HISTORY_DAYS, in the background and in batches. */
@Injectable()
export class TokenHistoryPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TokenHistoryPruner.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly events: TokenHealthEventRepository,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setTimeout(() => this.tick(), FIRST_PRUNE_DELAY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One full pass; a pass already running is joined. Returns how many events were deleted. */
  prune(): Promise<number> {
    this.running ??= this.pruneAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private tick(): void {
    this.prune()
      .catch((error: unknown) => this.logger.warn(`Pruning token history failed: ${(error as Error).message}`))
      .finally(() => {
        if (!this.timer) return;
        this.timer = setTimeout(() => this.tick(), PRUNE_INTERVAL_MS);
        this.timer.unref();
      });
  }

  private async pruneAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.events.deleteOlderThan(this.config.tokenHealth.historyDays, BATCH_SIZE);
      total += deleted;
      if (deleted < BATCH_SIZE) return total;
    }
  }
}
