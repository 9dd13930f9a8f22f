import { Alert } from './alert';

/** Stands for the signed connect link in an alert's text until it is delivered. */
export const CONNECT_LINK = '{{connect_link}}';

/** An alert whose re-authorize link is signed at delivery, so no link is ever stored in plain text. */
export interface AlertWithDeferredLink extends Alert {
  connectLinkFor?: { clientId: string; provider: string };
}

/** The alert as channels and hosts see it: the placeholder replaced by a freshly signed link. */
export function resolveConnectLink(alert: AlertWithDeferredLink, sign: (clientId: string, provider: string) => string): Alert {
  const { connectLinkFor, ...rest } = alert;
  if (!connectLinkFor) return rest;
  const link = sign(connectLinkFor.clientId, connectLinkFor.provider);
  const fill = (text: string | undefined) => text?.split(CONNECT_LINK).join(link);
  return { ...rest, message: fill(rest.message) ?? '', instruction: fill(rest.instruction), actionUrl: fill(rest.actionUrl) };
}
