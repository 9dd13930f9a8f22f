import { AlertSeverity } from '../common/alert-severity';

// The Alert port speaks in severities; they live in the shared kernel because configuration names one too.
export { AlertSeverity, severityAtLeast } from '../common/alert-severity';

/** What happened, as named on the webhook wire; digests are for people only. */
export type AlertEventType =
  'token.unhealthy' | 'token.reminder' | 'token.recovered' | 'provider.outage' | 'provider.misconfigured' | 'provider.recovered' | 'digest';

/**
 * Who an alert is for. People read Slack, email and SMS, where a storm of alerts
 * is grouped into a digest; machines (the webhook) get one event per token.
 */
export enum AlertAudience {
  People = 'people',
  Machines = 'machines',
}

/** One alert as handed to the alerting service. Never carries token material or secrets. */
export interface Alert {
  severity: AlertSeverity;
  title: string;
  /** Plain-text body: error detail, what to do, and the re-authorize link when there is one. */
  message: string;
  clientId?: string;
  provider?: string;
  status?: string;
  /** Why, as a short code (`dead_grant`, `provider_failing`, `throttled`, `configuration`, `unreadable`, `expiring`). */
  cause?: string;
  /** The error detail alone (also part of `message`); never a secret. */
  error?: string;
  /** What the admin should do, in one sentence. */
  instruction?: string;
  /** Signed connect link that starts a re-authorization. */
  actionUrl?: string;
  /** `alert` on entering a status, `reminder` while it lasts, `resolved` when healthy again. */
  kind?: 'alert' | 'reminder' | 'resolved';
  /** Event type; derived from `kind` when absent. */
  event?: AlertEventType;
  /** Only channels of this audience take it; absent: every channel. */
  audience?: AlertAudience;
  /** Stable id of this alert, set when it is accepted; retries of one delivery keep it. */
  id?: string;
  /** ISO time the alert was accepted. */
  occurredAt?: string;
}

/** The event type of an alert, from `event` or, for alerts composed without one, from `kind`. */
export function alertEventType(alert: Alert): AlertEventType {
  if (alert.event) return alert.event;
  if (alert.kind === 'resolved') return 'token.recovered';
  if (alert.kind === 'reminder') return 'token.reminder';
  return 'token.unhealthy';
}
