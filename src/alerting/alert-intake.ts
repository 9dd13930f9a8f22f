import { Inject, Injectable } from '@nestjs/common';
import { TransactionContext } from '../database/transaction-context';
import { Alert } from './alert';
import { AlertOutboxRepository } from './alert-outbox.repository';
import { AlertingService } from './alerting.service';
import { ALERT_CHANNELS } from './alerting.tokens';
import { AlertChannel } from './channels/alert-channel';
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
    @Inject(ALERT_CHANNELS) private readonly channels: AlertChannel[],
  ) {}

  /** The channels alerts go to (`host` for a host app's own AlertingService); empty when none is configured. */
  get channelNames(): string[] {
    if (!(this.alerting instanceof OutboxAlertingService)) return [HOST_CHANNEL];
    return this.channels.filter((channel) => channel.enabled).map((channel) => channel.name);
  }

  /** False while no channel is configured: callers then keep their alerts due instead of raising them into nowhere. */
  get hasChannel(): boolean {
    return this.channelNames.length > 0;
  }

  async accept(alert: Alert): Promise<void> {
    if (this.alerting instanceof OutboxAlertingService) return this.outboxAlerting.sendAlert(alert);
    await this.outbox.enqueue(acceptedAlert(alert), [HOST_CHANNEL], TransactionContext.current());
  }
}
