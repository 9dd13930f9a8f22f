import { ProviderRefreshTally } from '../../oauth/refresh-tally.repository';

export interface OutageThresholds {
  minFailures: number;
  failureRatio: number;
}

export enum OutageVerdict {
  /** Not in outage and none open: per-token alerts as usual. */
  Normal = 'normal',
  /** Some of the cycle's refreshes are still running somewhere: decide later, alert nothing transient yet. */
  Undecided = 'undecided',
  /** The cycle meets both thresholds: open (or continue) the incident. */
  Outage = 'outage',
  /** An incident is open and this cycle neither confirms nor ends it (e.g. nothing was due). */
  Ongoing = 'ongoing',
  /** An incident is open and the provider answers again: close it. */
  Recovered = 'recovered',
}

/** CONTRACT "Provider outages": at least `minFailures` transient failures that are at least `failureRatio` of the attempts. */
export function meetsOutageThresholds(tally: ProviderRefreshTally, thresholds: OutageThresholds): boolean {
  return (
    tally.attempts > 0 && tally.transientFailures >= thresholds.minFailures && tally.transientFailures >= thresholds.failureRatio * tally.attempts
  );
}

/**
 * What one provider's cycle tally means. A tally with refreshes still in flight
 * (another replica's) is partial: deciding on it could open an outage on five
 * failures that would have been five of two hundred, so it waits for the
 * replica that finishes last, which sees the whole cycle.
 */
export function outageVerdict(tally: ProviderRefreshTally, thresholds: OutageThresholds, open: boolean): OutageVerdict {
  if (tally.inFlight > 0) return OutageVerdict.Undecided;
  if (meetsOutageThresholds(tally, thresholds)) return OutageVerdict.Outage;
  if (!open) return OutageVerdict.Normal;
  // Recovered: some refresh went through again, or nothing of this provider is failing any more.
  if (tally.successes > 0 || tally.failingNow === 0) return OutageVerdict.Recovered;
  return OutageVerdict.Ongoing;
}
