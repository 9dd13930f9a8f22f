import { assertNever } from '../common/assert-never';
import { envPrefixOf } from '../config/oauth-provider-settings';
import { FailureCause } from '../oauth/failure-cause';

export interface AdviceSubject {
  clientId: string;
  provider: string;
  /** When the next periodic check runs, if one is scheduled. */
  nextCheckAt?: Date;
}

/** Only these causes are fixed by the customer re-authorizing: their advice carries the connect link. */
export function needsReauthorization(cause: FailureCause): boolean {
  return cause === FailureCause.DeadGrant || cause === FailureCause.Expiring;
}

/** What is wrong, in one sentence without status names. */
export function causeSentence(cause: FailureCause, { clientId, provider }: AdviceSubject): string {
  const connection = `The ${provider} connection of client ${clientId}`;
  switch (cause) {
    case FailureCause.DeadGrant:
      return `${connection} has lost its authorization: the provider refused the refresh token (or none is stored).`;
    case FailureCause.Expiring:
      return `${connection} needs a new authorization soon: its refresh token expires.`;
    case FailureCause.ProviderFailing:
      return `${connection} could not be refreshed: the provider is failing.`;
    case FailureCause.Throttled:
      return `${connection} could not be refreshed: the provider is throttling refreshes.`;
    case FailureCause.Configuration:
      return `${connection} could not be refreshed because of our OAuth app configuration, not because of the customer.`;
    case FailureCause.Unreadable:
      return `${connection} cannot be used: its stored token cannot be decrypted with the configured keys.`;
    default:
      return assertNever(cause);
  }
}

/** What to do about it, in one sentence; `link` stands for the connect link where re-authorizing helps. */
export function adviceFor(cause: FailureCause, subject: AdviceSubject, link: string): string {
  const { clientId, provider, nextCheckAt } = subject;
  const retried = `the refresh is retried at the next check${nextCheckAt ? ` (around ${nextCheckAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)` : ''}`;
  const prefix = envPrefixOf(provider);
  switch (cause) {
    case FailureCause.DeadGrant:
      return `Re-authorize the ${provider} connection of client ${clientId} by opening this link: ${link}`;
    case FailureCause.Expiring:
      return `Re-authorize the ${provider} connection of client ${clientId} before its refresh token expires, by opening this link: ${link}`;
    case FailureCause.ProviderFailing:
      return `Nothing to do yet: ${retried}; re-authorizing would not help.`;
    case FailureCause.Throttled:
      return `Nothing to do yet: the provider limits how often it may be asked; ${retried}.`;
    case FailureCause.Configuration:
      return `Fix the OAuth app configuration of ${provider} (${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET, or its allowed accounts servers) as the error says; the customer does not need to re-authorize.`;
    case FailureCause.Unreadable:
      return 'Check that TOKEN_ENCRYPTION_KEY (or TOKEN_ENCRYPTION_PREVIOUS_KEYS) holds the key this token was stored under; if that key is lost, register or connect the token again.';
    default:
      return assertNever(cause);
  }
}
