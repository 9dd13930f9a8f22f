import { Alert } from './alert';

/**
 * Port: "the existing alerting service". Resolving means the alert was accepted
 * for delivery. Host apps swap in their own through
 * `TokenHealthModule.forRoot({ alerting })`; the default is `OutboxAlertingService`.
 *
 * A host's own is called from the alert outbox, after the transaction that raised the
 * alert has committed, so it may be slow without holding locks or connections.
 * Delivery is at least once: a rejection is retried with backoff, and the same alert
 * may arrive twice after a crash; `alert.id` is the same on every attempt (drop duplicates by it).
 */
export abstract class AlertingService {
  abstract sendAlert(alert: Alert): Promise<void>;
}
