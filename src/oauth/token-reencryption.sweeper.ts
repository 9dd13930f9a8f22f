import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ReencryptionCursor, TokenReencryptionRepository } from './token-reencryption.repository';

/** Rows per transaction: short row locks, bounded memory. */
const BATCH_SIZE = 200;
/** Pause between passes while values were still being moved (rotation in progress). */
const REPEAT_MS = 10 * 60_000;

export interface ReencryptionPass {
  reencrypted: number;
  unreadable: number;
}

/**
 * Completes a key rotation (and the move from v1 to row-bound v2 values) for
 * rows nobody writes: walks the table in batches at start, and again every
 * few minutes until a pass finds nothing left to move. Replicas split the
 * work through SKIP LOCKED. Rows that are written anyway are moved by their
 * writer (see OAuthTokenService).
 */
@Injectable()
export class TokenReencryptionSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TokenReencryptionSweeper.name);
  private running?: Promise<ReencryptionPass>;
  private timer?: NodeJS.Timeout;
  private stopping = false;

  constructor(private readonly repository: TokenReencryptionRepository) {}

  onApplicationBootstrap(): void {
    this.scheduleNext(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass over the whole table; a pass already running in this process is joined. */
  runPass(): Promise<ReencryptionPass> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private scheduleNext(delayMs: number): void {
    this.timer = setTimeout(() => void this.passAndReschedule(), delayMs);
    this.timer.unref();
  }

  private async passAndReschedule(): Promise<void> {
    try {
      const { reencrypted } = await this.runPass();
      if (reencrypted === 0) return;
    } catch (error) {
      this.logger.error(`Re-encryption pass failed, will retry: ${(error as Error).message}`);
    }
    if (!this.stopping) this.scheduleNext(REPEAT_MS);
  }

  private async pass(): Promise<ReencryptionPass> {
    const total: ReencryptionPass = { reencrypted: 0, unreadable: 0 };
    let after: ReencryptionCursor | null = null;
    while (!this.stopping) {
      const batch = await this.repository.reencryptBatch(after, BATCH_SIZE);
      total.reencrypted += batch.reencrypted;
      total.unreadable += batch.unreadable;
      after = batch.after;
      if (batch.scanned < BATCH_SIZE) break;
    }
    if (total.reencrypted > 0 || total.unreadable > 0) {
      this.logger.log(`Re-encrypted ${total.reencrypted} stored token(s) under the current key; ${total.unreadable} unreadable left as they are`);
    }
    return total;
  }
}
