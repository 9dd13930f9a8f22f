import { Injectable } from '@nestjs/common';
import { BatchedPruner } from '../common/batched-pruner';
import { AppConfig } from '../config/app-config';
import { TokenHealthEventRepository } from './token-health-event.repository';

/** Deletes status history older than TOKEN_HEALTH_HISTORY_DAYS, in the background and in batches. */
@Injectable()
export class TokenHistoryPruner extends BatchedPruner {
  constructor(
    private readonly events: TokenHealthEventRepository,
    private readonly config: AppConfig,
  ) {
    super({ what: 'token history', firstDelayMs: 60_000, intervalMs: 60 * 60_000, batchSize: 5000 });
  }

  protected deleteBatch(limit: number): Promise<number> {
    return this.events.deleteOlderThan(this.config.tokenHealth.historyDays, limit);
  }
}
