import { Injectable } from '@nestjs/common';
import { TransactionContext } from '../database/transaction-context';
import { Alert } from './alert';
import { AlertOutboxRepository } from './alert-outbox.repository';
import { AlertingService } from './alerting.service';
import { HOST_CHANNEL } from './channels/host-alert.channel';
import { acceptedAlert, OutboxAlertingService } from './outbox-alerting.service';

/**
 * Where the checker's alerts go: always a durable outbox row in the caller's transaction.
 * With the default AlertingService that is one row per channel; with a host's own, one
 * `host` row that the dispatcher hands to it after the transaction has committed.
 */
@Injectable()
export class AlertIntake {
  constructor(
    private readonly alerting: AlertingService,
    private readonly outboxAlerting: OutboxAlertingService,
    private readonly outbox: AlertOutboxRepository,
  ) {}

  async accept(alert: Alert): Promise<void> {
    if (this.alerting instanceof OutboxAlertingService) return this.outboxAlerting.sendAlert(alert);
    await this.outbox.enqueue(acceptedAlert(alert), [HOST_CHANNEL], TransactionContext.current());
  }
}
