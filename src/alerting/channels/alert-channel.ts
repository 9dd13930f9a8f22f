import { FeatureError } from '../../common/feature.error';
import { Alert, AlertAudience, AlertSeverity } from '../alert';

export enum DeliveryFailureKind {
  /** Worth another attempt later (timeout, 5xx, 429, connection refused, SMTP 4xx). */
  Retryable = 'RETRYABLE',
  /** Will never succeed as is (Slack/Twilio 4xx other than 429, SMTP 5xx). */
  Permanent = 'PERMANENT',
}

/** A classified delivery failure, its kind as its code; `message` never contains credentials. */
export class AlertDeliveryError extends FeatureError<DeliveryFailureKind> {
  constructor(code: DeliveryFailureKind, message: string) {
    super(code, message);
  }
}

/**
 * Port for one outside alert channel. An adapter owns the wire format, the
 * timeout and the mapping of failures to `AlertDeliveryError`.
 */
export abstract class AlertChannel {
  /** Stable key stored in the outbox (`slack`, `email`, `sms`). */
  abstract readonly name: string;

  /** False when the channel's configuration is absent. */
  abstract readonly enabled: boolean;

  /** Lowest severity this channel takes. */
  abstract readonly minSeverity: AlertSeverity;

  /** Human channels take digests instead of alert storms; machine channels take every event. */
  readonly audience: AlertAudience = AlertAudience.People;

  /** Resolves once the outside system accepted the alert; throws `AlertDeliveryError` otherwise. */
  abstract deliver(alert: Alert): Promise<void>;
}
