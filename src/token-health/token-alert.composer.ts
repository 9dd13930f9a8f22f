import { Injectable } from '@nestjs/common';
import { AlertSeverity } from '../alerting/alert';
import { AlertWithDeferredLink, CONNECT_LINK } from '../alerting/deferred-connect-link';
import { CONFIGURATION_ERROR_PREFIX } from '../oauth/token-status.policy';
import { TokenStatus } from '../oauth/token-status';

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

/** Words of an alert: title per CONTRACT, the error, what to do, and a link to do it (signed when it is delivered). */
@Injectable()
export class TokenAlertComposer {
  compose(token: AlertableToken): AlertWithDeferredLink {
    const { clientId, provider, status } = token;
    const subject = `${clientId}/${provider}`;
    const kind = status === TokenStatus.Healthy ? 'resolved' : token.lastAlertStatus === status ? 'reminder' : 'alert';
    const event = EVENT[kind];
    const base = { severity: SEVERITY[status], title: `OAuth Token ${status}: ${subject}`, clientId, provider, status, kind, event } as const;

    if (kind === 'resolved') {
      return { ...base, message: `Resolved: the ${provider} connection of client ${clientId} is healthy again.` };
    }
    const ourConfiguration = token.error?.startsWith(CONFIGURATION_ERROR_PREFIX) ?? false;
    const actionUrl = ourConfiguration ? undefined : CONNECT_LINK;
    const instruction = ourConfiguration
      ? `Check the OAuth app credentials configured for ${provider} (client id and secret); the customer does not need to re-authorize.`
      : `Re-authorize the ${provider} connection of client ${clientId} by opening this link: ${actionUrl}`;
    const lines = [
      `${kind === 'reminder' ? 'Reminder: still ' : ''}The ${provider} connection of client ${clientId} is ${status}.`,
      token.error ? `Error: ${token.error}` : undefined,
      `What to do: ${instruction}`,
    ];
    const connectLinkFor = actionUrl ? { clientId, provider } : undefined;
    return { ...base, message: lines.filter(Boolean).join('\n'), error: token.error ?? undefined, instruction, actionUrl, connectLinkFor };
  }
}
