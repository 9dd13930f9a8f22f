import { Alert } from './alert';

/**
 * Port: "the existing alerting service". Resolving means the alert was accepted
 * for delivery. Host apps swap in their own through
 * `TokenHealthModule.forRoot({ alerting })`; the default is `OutboxAlertingService`.
 */
export abstract class AlertingService {
  abstract sendAlert(alert: Alert): Promise<void>;
}
