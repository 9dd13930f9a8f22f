import { Injectable } from '@nestjs/common';
import { Alert, AlertSeverity } from '../alert';
import { AlertingService } from '../alerting.service';
import { OutboxAlertingService } from '../outbox-alerting.service';
import { AlertChannel, AlertDeliveryError, DeliveryFailureKind } from './alert-channel';

/** Outbox name of the host application's own AlertingService. */
export const HOST_CHANNEL = 'host';

/**
 * Hands outbox entries to a host application's own AlertingService, outside any
 * transaction, so a slow one holds no row lock and no connection. At least once:
 * a refusal is retried with backoff, and a crash after it accepted sends it again
 * (with the same `id`).
 */
@Injectable()
export class HostAlertChannel extends AlertChannel {
  readonly name = HOST_CHANNEL;
  readonly minSeverity = AlertSeverity.Info;

  constructor(private readonly alerting: AlertingService) {
    super();
  }

  /** Only when the host swapped in its own AlertingService; the default one is the outbox itself. */
  get enabled(): boolean {
    return !(this.alerting instanceof OutboxAlertingService);
  }

  async deliver(alert: Alert): Promise<void> {
    try {
      await this.alerting.sendAlert(alert);
    } catch (error) {
      if (error instanceof AlertDeliveryError) throw error;
      throw new AlertDeliveryError(
        DeliveryFailureKind.Retryable,
        `The host's AlertingService refused it: ${(error as Error)?.message ?? String(error)}`,
      );
    }
  }
}
