import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { TransactionContext } from '../database/transaction-context';
import { Alert, severityAtLeast } from './alert';
import { AlertOutboxRepository } from './alert-outbox.repository';
import { AlertingService } from './alerting.service';
import { AlertChannel } from './channels/alert-channel';
import { ALERT_CHANNELS } from './alerting.tokens';

/**
 * The default AlertingService: Slack, email, SMS and the webhook through a durable outbox.
 * An accepted alert is a committed row per channel (in the caller's
 * transaction when there is one); the dispatcher delivers it.
 */
@Injectable()
export class OutboxAlertingService extends AlertingService {
  constructor(
    private readonly outbox: AlertOutboxRepository,
    @Inject(ALERT_CHANNELS) private readonly channels: AlertChannel[],
  ) {
    super();
  }

  async sendAlert(alert: Alert): Promise<void> {
    const targets = this.channels
      .filter((channel) => channel.enabled && severityAtLeast(alert.severity, channel.minSeverity))
      .filter((channel) => alert.audience === undefined || alert.audience === channel.audience)
      .map((channel) => channel.name);
    await this.outbox.enqueue(acceptedAlert(alert), targets, TransactionContext.current());
  }
}

/** The alert as stored: its id, so every retry of its delivery carries the same one, and when it was accepted. */
export function acceptedAlert(alert: Alert): Alert {
  return { ...alert, id: alert.id ?? randomUUID(), occurredAt: alert.occurredAt ?? new Date().toISOString() };
}
