import { Injectable } from '@nestjs/common';
import { BatchedPruner } from '../common/batched-pruner';
import { OAuthStateStore } from './oauth-state.store';

/** Deletes expired OAuth states in the background, in batches that walk the expiry index. */
@Injectable()
export class ConnectStatePruner extends BatchedPruner {
  constructor(private readonly states: OAuthStateStore) {
    super({ what: 'expired OAuth states', firstDelayMs: 30_000, intervalMs: 10 * 60_000, batchSize: 1000 });
  }

  protected deleteBatch(limit: number): Promise<number> {
    return this.states.deleteExpired(limit);
  }
}
