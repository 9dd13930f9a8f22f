import { assertNever } from '../common/assert-never';
import { cleanFreeText } from '../common/unsafe-text';
import { truncate } from '../common/text';
import { CONFIGURATION_ERROR_PREFIX, UNREADABLE_TOKEN_ERROR } from './token-status.policy';
import { TokenStatus } from './token-status';

/** Why a connection is not healthy, as alerts, the console and webhooks name it. */
export enum FailureCause {
  /** The provider refused the grant (or none is stored): only the customer re-authorizing helps. */
  DeadGrant = 'dead_grant',
  /** The refresh token expires soon: the customer re-authorizes before then. */
  Expiring = 'expiring',
  /** 5xx, timeout, network, malformed answer: retried by the next checks. */
  ProviderFailing = 'provider_failing',
  /** The provider answered HTTP 429: retried by the next checks. */
  Throttled = 'throttled',
  /** Our OAuth app (credentials, allowlist): an operator fixes it, the customer has nothing to do. */
  Configuration = 'configuration',
  /** The stored token cannot be decrypted with the configured keys. */
  Unreadable = 'unreadable',
}

/** One line per cause for the fleet list and digests; the stored error text stays on the connection page. */
export const CAUSE_SUMMARIES: Record<FailureCause, string> = {
  [FailureCause.DeadGrant]: 'Dead grant: the customer must re-authorize',
  [FailureCause.Expiring]: 'Refresh token expires soon: re-authorize before then',
  [FailureCause.ProviderFailing]: 'The provider is failing: retried automatically',
  [FailureCause.Throttled]: 'The provider is throttling refreshes: retried automatically',
  [FailureCause.Configuration]: 'Our OAuth app configuration: an operator must fix it',
  [FailureCause.Unreadable]: 'Stored token unreadable with the configured keys',
};

/** Where the full error text is shown (the connection page): no longer than this, on one line, without invisible characters. */
export const ERROR_DETAIL_MAX_CHARS = 600;

/** The cause of a stored status and error; null for a healthy connection. */
export function failureCauseOf(status: TokenStatus, error: string | null): FailureCause | null {
  switch (status) {
    case TokenStatus.Healthy:
      return null;
    case TokenStatus.Invalid:
      return FailureCause.DeadGrant;
    case TokenStatus.Expiring:
      return FailureCause.Expiring;
    case TokenStatus.RefreshFailed:
      if (error?.startsWith(CONFIGURATION_ERROR_PREFIX)) return FailureCause.Configuration;
      if (error === UNREADABLE_TOKEN_ERROR) return FailureCause.Unreadable;
      // The HTTP token client names the status of every answer it classified ("… answered HTTP 429 …").
      if (error && /\bHTTP 429\b/.test(error)) return FailureCause.Throttled;
      return FailureCause.ProviderFailing;
    default:
      return assertNever(status);
  }
}

/** The stored error as the connection page shows it: bounded and cleaned. */
export function errorDetail(error: string | null): string | null {
  return error === null ? null : truncate(cleanFreeText(error).trim(), ERROR_DETAIL_MAX_CHARS);
}
