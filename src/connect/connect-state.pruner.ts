import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OAuthStateStore } from './oauth-state.store';

const PRUNE_INTERVAL_MS = 10 * 60_000;
const FIRST_PRUNE_DELAY_MS = 30_000;
const BATCH_SIZE = 1000;

/** Deletes expired OAuth states in the background, in batches that walk the expiry index. */
@Injectable()
export class ConnectStatePruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConnectStatePruner.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(private readonly states: OAuthStateStore) {}

  onApplicationBootstrap(): void {
    this.schedule(FIRST_PRUNE_DELAY_MS);
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One full pass; a pass already running is joined. Returns how many states were deleted. */
  prune(): Promise<number> {
    this.running ??= this.pruneAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.prune()
        .catch((error: unknown) => this.logger.warn(`Deleting expired OAuth states failed: ${(error as Error).message}`))
        .finally(() => this.timer && this.schedule(PRUNE_INTERVAL_MS));
    }, delayMs);
    this.timer.unref();
  }

  private async pruneAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.states.deleteExpired(BATCH_SIZE);
      total += deleted;
      if (deleted < BATCH_SIZE) return total;
    }
  }
}
