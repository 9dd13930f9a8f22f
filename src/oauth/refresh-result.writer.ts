import { Logger } from '@nestjs/common';
import { OAuthTokenLeaseRepository, RefreshResult } from './oauth-token-lease.repository';
import { writeRowByRow } from './refresh-result-rows';

const MAX_BATCH = 500;
export const WRITES_IN_FLIGHT = 2;
const WRITE_ATTEMPTS = 3;
const RETRY_DELAY_MS = 500;

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

  constructor(private readonly leases: OAuthTokenLeaseRepository) {}

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
    for (let attempt = 1; ; attempt++) {
      try {
        const landed = await this.leases.writeResults(batch);
        this.landed += landed.size;
        await this.handleLost(batch.filter((result) => !landed.has(result.id)));
        return;
      } catch (error) {
        const apart = writeRowByRow(batch, error, (rows) => this.write(rows));
        if (apart) return apart;
        if (attempt >= WRITE_ATTEMPTS) {
          // The leases expire and a later cycle checks these tokens again; a rotated token among them is lost.
          const rotated = batch.filter((result) => result.tokenSet?.refreshToken !== undefined).length;
          this.logger.error(`Could not store ${batch.length} refresh results (${rotated} with a rotated refresh token): ${(error as Error).message}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
      }
    }
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
    await this.leases.markRotationLost(
      rotated.map((result) => result.id),
      ROTATION_LOST_ERROR,
    );
  }
}
