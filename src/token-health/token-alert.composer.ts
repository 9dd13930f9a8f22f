import { Injectable } from '@nestjs/common';
import { AlertSeverity } from '../alerting/alert';
import { AlertWithDeferredLink, CONNECT_LINK } from '../alerting/deferred-connect-link';
import { truncate } from '../common/text';
import { AppConfig } from '../config/app-config';
import { errorDetail, failureCauseOf } from '../oauth/failure-cause';
import { TokenStatus } from '../oauth/token-status';
import { adviceFor, causeSentence, needsReauthorization } from './alert-advice';
import { NextScheduledCheck } from './next-scheduled-check';

export interface AlertableToken {
  clientId: string;
  provider: string;
  status: TokenStatus;
  error: string | null;
  /** Status of the last alert sent for this token (null: none open). */
  lastAlertStatus: TokenStatus | null;
}

export const SEVERITY: Record<TokenStatus, AlertSeverity> = {
  [TokenStatus.Invalid]: AlertSeverity.Critical,
  [TokenStatus.RefreshFailed]: AlertSeverity.Error,
  [TokenStatus.Expiring]: AlertSeverity.Warning,
  [TokenStatus.Healthy]: AlertSeverity.Info,
};

const EVENT = { alert: 'token.unhealthy', reminder: 'token.reminder', resolved: 'token.recovered' } as const;
// People read the cause and the advice; the provider's full text is on the connection page.
const MESSAGE_ERROR_MAX_CHARS = 160;

/** Words of an alert: the pinned title, what is wrong and why, what to do about that cause, and a link where re-authorizing helps. */
@Injectable()
export class TokenAlertComposer {
  constructor(
    private readonly config: AppConfig,
    private readonly nextCheck: NextScheduledCheck,
  ) {}

  compose(token: AlertableToken): AlertWithDeferredLink {
    const { clientId, provider, status } = token;
    const subject = `${clientId}/${provider}`;
    const kind = status === TokenStatus.Healthy ? 'resolved' : token.lastAlertStatus === status ? 'reminder' : 'alert';
    const event = EVENT[kind];
    const base = { severity: SEVERITY[status], title: `OAuth Token ${status}: ${subject}`, clientId, provider, status, kind, event } as const;

    const cause = failureCauseOf(status, token.error);
    if (cause === null) {
      return { ...base, message: `Resolved: the ${provider} connection of client ${clientId} is healthy again.` };
    }
    const actionUrl = needsReauthorization(cause) ? CONNECT_LINK : undefined;
    const instruction = adviceFor(cause, { clientId, provider, nextCheckAt: this.nextCheck.at() }, CONNECT_LINK);
    const error = errorDetail(token.error) ?? undefined;
    const lines = [
      `${kind === 'reminder' ? 'Reminder: ' : ''}${causeSentence(cause, { clientId, provider })}`,
      error ? `Error: ${truncate(error, MESSAGE_ERROR_MAX_CHARS)}` : undefined,
      `What to do: ${instruction}`,
      `Details: ${this.connectionPage(clientId, provider)}`,
    ];
    const connectLinkFor = actionUrl ? { clientId, provider } : undefined;
    return { ...base, cause, message: lines.filter(Boolean).join('\n'), error, instruction, actionUrl, connectLinkFor };
  }

  private connectionPage(clientId: string, provider: string): string {
    return `${this.config.publicBaseUrl}/admin/connection?${new URLSearchParams({ clientId, provider }).toString()}`;
  }
}
