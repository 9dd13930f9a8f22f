import { Injectable } from '@nestjs/common';
import { Alert, AlertAudience, AlertSeverity, severityAtLeast } from '../alerting/alert';
import { truncate } from '../common/text';
import { AppConfig } from '../config/app-config';
import { DueAlertKind } from '../oauth/token-alert-state.repository';
import { TokenStatus } from '../oauth/token-status';
import { AlertableToken, SEVERITY } from './token-alert.composer';

/** How many connections a digest names; the console link shows them all. */
const DIGEST_LISTED = 10;
const ERROR_MAX_CHARS = 120;

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
      kind === 'resolved' ? undefined : 'What to do: open each connection in the admin console and send its owner a re-authorize link.',
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
  const error = token.error ? ` (${truncate(token.error, ERROR_MAX_CHARS)})` : '';
  return `- ${token.clientId}/${token.provider}: ${token.status}${error}`;
}

function mostSevere(severities: AlertSeverity[]): AlertSeverity {
  return severities.reduce((worst, severity) => (severityAtLeast(severity, worst) ? severity : worst), AlertSeverity.Info);
}
