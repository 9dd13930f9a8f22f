import { Injectable } from '@nestjs/common';
import { BatchedPruner } from '../common/batched-pruner';
import { AlertOutboxRepository } from './alert-outbox.repository';

/** Settled (sent or given-up) rows are kept this long for inspection, then deleted: they hold connect links in plain text. */
export const OUTBOX_RETENTION_DAYS = 7;

/** Deletes settled alert_outbox rows past their retention, in the background and in batches. */
@Injectable()
export class AlertOutboxPruner extends BatchedPruner {
  constructor(private readonly outbox: AlertOutboxRepository) {
    super({ what: 'the alert outbox', firstDelayMs: 60_000, intervalMs: 60 * 60_000, batchSize: 1000 });
  }

  protected deleteBatch(limit: number): Promise<number> {
    return this.outbox.deleteSettledOlderThan(OUTBOX_RETENTION_DAYS, limit);
  }
}
