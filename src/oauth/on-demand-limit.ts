import { TokenRequestLimit } from './providers/presets/provider-preset';

/** Why an on-demand check did not call the provider, and when it could. */
export interface CheckNotSent {
  reason: string;
  nextPossibleAt: Date;
}

/**
 * An on-demand check calls the provider unless that would break its documented limit. Spacing
 * the requests evenly (Zoho: 10 per 10 min → one a minute) keeps every span within it, whatever
 * was sent before, without counting requests anywhere.
 */
export function onDemandCheckNotSent(
  lastAttemptAt: Date | null,
  limit: TokenRequestLimit | undefined,
  providerTitle: string,
  now: Date,
): CheckNotSent | undefined {
  if (!limit || !lastAttemptAt) return undefined;
  const spacingMs = (limit.perMinutes * 60_000) / limit.requests;
  const nextPossibleAt = new Date(lastAttemptAt.getTime() + spacingMs);
  if (nextPossibleAt.getTime() <= now.getTime()) return undefined;
  const ago = describeDuration(now.getTime() - lastAttemptAt.getTime());
  const reason =
    `Not sent: ${providerTitle} was asked for this connection ${ago} ago; it allows ${limit.requests} token requests ` +
    `per ${limit.perMinutes} minutes per refresh token; next possible at ${nextPossibleAt.toISOString()}`;
  return { reason, nextPossibleAt };
}

function describeDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  return `${Math.round(seconds / 60)} min`;
}
