import { Injectable } from '@nestjs/common';
import { Alert, AlertAudience, AlertSeverity, severityAtLeast } from '../alerting/alert';
import { AppConfig } from '../config/app-config';
import { CAUSE_SUMMARIES, FailureCause, failureCauseOf } from '../oauth/failure-cause';
import { DueAlertKind } from '../oauth/token-alert-state.repository';
import { TokenStatus } from '../oauth/token-status';
import { AlertableToken, SEVERITY } from './token-alert.composer';

/** How many connections a digest names; the console link shows them all. */
const DIGEST_LISTED = 10;

/**
 * One message for people instead of a storm: how many connections, the most
 * severe ten, and a link to the console filtered to them.
 */
@Injectable()
export class TokenAlertDigestComposer {
  constructor(private readonly config: AppConfig) {}

  /** `tokens` most severe first; `totals` when they are only the first of more (a digest swept in batches). */
  compose(kind: DueAlertKind, tokens: AlertableToken[], totals?: { count: number; statuses: TokenStatus[] }): Alert {
    const count = Math.max(totals?.count ?? 0, tokens.length);
    const statuses = [...new Set([...tokens.map((token) => token.status), ...(totals?.statuses ?? [])])];
    const severity = kind === 'resolved' ? AlertSeverity.Info : mostSevere(statuses.map((status) => SEVERITY[status]));
    const title = titleFor(kind, count, statuses);
    const links = (kind === 'resolved' ? [TokenStatus.Healthy] : statuses).map((status) => this.consoleLink(status));
    const lines = [
      `${title}:`,
      ...tokens.slice(0, DIGEST_LISTED).map(describe),
      count > DIGEST_LISTED ? `...and ${count - DIGEST_LISTED} more.` : undefined,
      kind === 'resolved' ? undefined : whatToDo(tokens),
      `Console: ${links.join(' ')}`,
    ];
    return {
      severity,
      title,
      message: lines.filter(Boolean).join('\n'),
      status: statuses.length === 1 ? statuses[0] : undefined,
      actionUrl: links[0],
      kind,
      event: 'digest',
      audience: AlertAudience.People,
    };
  }

  private consoleLink(status: TokenStatus): string {
    return `${this.config.publicBaseUrl}/admin?status=${encodeURIComponent(status)}`;
  }
}

function titleFor(kind: DueAlertKind, count: number, statuses: TokenStatus[]): string {
  if (kind === 'resolved') return `${count} connections are healthy again`;
  const reauthorize = statuses.every((status) => status === TokenStatus.Invalid || status === TokenStatus.Expiring);
  const need = reauthorize ? 'need re-authorization' : 'need attention';
  return kind === 'reminder' ? `Reminder: ${count} connections still ${need}` : `${count} connections ${need}`;
}

function describe(token: AlertableToken): string {
  const cause = failureCauseOf(token.status, token.error);
  return `- ${token.clientId}/${token.provider}: ${cause ? CAUSE_SUMMARIES[cause] : 'healthy again'}`;
}

// Advice by cause: only dead grants and expiring refresh tokens are the customer's to fix.
function whatToDo(tokens: AlertableToken[]): string {
  const causes = new Set(tokens.map((token) => failureCauseOf(token.status, token.error)));
  const advice = [
    causes.has(FailureCause.DeadGrant) || causes.has(FailureCause.Expiring)
      ? 'send the owners of dead or expiring grants a re-authorize link from their connection page'
      : undefined,
    causes.has(FailureCause.ProviderFailing) || causes.has(FailureCause.Throttled)
      ? 'provider failures are retried automatically at the next checks'
      : undefined,
    causes.has(FailureCause.Configuration) ? 'fix the OAuth app configuration the errors name (the customers have nothing to do)' : undefined,
    causes.has(FailureCause.Unreadable) ? 'check TOKEN_ENCRYPTION_KEY for the unreadable ones' : undefined,
  ].filter(Boolean);
  return `What to do: ${advice.join('; ')}.`;
}

function mostSevere(severities: AlertSeverity[]): AlertSeverity {
  return severities.reduce((worst, severity) => (severityAtLeast(severity, worst) ? severity : worst), AlertSeverity.Info);
}
