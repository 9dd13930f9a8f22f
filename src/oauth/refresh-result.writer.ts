import { Logger } from '@nestjs/common';
import { OAuthTokenLeaseRepository, RefreshResult } from './oauth-token-lease.repository';
import { writeRowByRow } from './refresh-result-rows';
import { rotatedResults, writeWithRetry } from './result-write.retry';

const MAX_BATCH = 500;
export const WRITES_IN_FLIGHT = 2;

export const ROTATION_LOST_ERROR =
  'The provider issued a new refresh token that could not be stored (the refresh outlived its lease); the stored one may no longer work';

/**
 * Group commit for refresh results: results queue up while a write is in
 * flight and go out together, one UPDATE … FROM unnest per batch, so the
 * database sees a statement per batch instead of one per token.
 */
export class RefreshResultWriter {
  private readonly logger = new Logger(RefreshResultWriter.name);
  private readonly pending: RefreshResult[] = [];
  private inFlight = 0;
  private idle?: { promise: Promise<void>; resolve: () => void };
  /** Results whose lease was still ours when written. */
  landed = 0;
  lost = 0;

  /** `stopping`: the process is shutting down, so a rotated write stops retrying soon (the pool closes). */
  constructor(
    private readonly leases: OAuthTokenLeaseRepository,
    private readonly stopping: () => boolean = () => false,
  ) {}

  add(result: RefreshResult): void {
    this.pending.push(result);
    this.pump();
  }

  /** Resolves once every result added so far has been written (or given up on). */
  drained(): Promise<void> {
    if (this.pending.length === 0 && this.inFlight === 0) return Promise.resolve();
    if (!this.idle) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.idle = { promise, resolve };
    }
    return this.idle.promise;
  }

  private pump(): void {
    while (this.inFlight < WRITES_IN_FLIGHT && this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.write(batch).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.pending.length === 0 && this.inFlight === 0 && this.idle) {
          this.idle.resolve();
          this.idle = undefined;
        }
      });
    }
  }

  private async write(batch: RefreshResult[]): Promise<void> {
    const rotated = rotatedResults(batch);
    const outcome = await writeWithRetry(() => this.leases.writeResults(batch), rotated.length > 0, this.stopping);
    if (outcome.stored) {
      this.landed += outcome.value.size;
      await this.handleLost(batch.filter((result) => !outcome.value.has(result.id)));
      return;
    }
    const apart = writeRowByRow(batch, outcome.error, (rows) => this.write(rows));
    if (apart) return apart;
    // The leases expire and a later cycle checks these tokens again; a rotated token among them is marked.
    this.logger.error(
      `Could not store ${batch.length} refresh results (${rotated.length} with a rotated refresh token, marked refresh_failed): ${outcome.error.message}`,
    );
    await this.markLost(rotated);
  }

  private async handleLost(lost: RefreshResult[]): Promise<void> {
    if (lost.length === 0) return;
    this.lost += lost.length;
    const rotated = lost.filter((result) => result.tokenSet?.refreshToken !== undefined);
    this.logger.warn(`${lost.length} refresh results arrived after their lease had expired and were not stored`);
    if (rotated.length === 0) return;
    this.logger.error(
      `${rotated.length} rotated refresh tokens were lost with an expired lease; marking them refresh_failed: ${rotated.map((r) => r.id).join(', ')}`,
    );
    await this.markLost(rotated);
  }

  // Best effort: when the database refuses this too, the next cycle presents the spent token and records the dead grant.
  private async markLost(rotated: RefreshResult[]): Promise<void> {
    if (rotated.length === 0) return;
    await this.leases.markRotationLost(rotated, ROTATION_LOST_ERROR).catch((error: Error) => {
      this.logger.error(`Could not mark ${rotated.length} lost rotated refresh tokens: ${error.message}`);
    });
  }
}
