import { ProviderRefreshTally } from '../../oauth/refresh-tally.repository';

export interface OutageThresholds {
  minFailures: number;
  failureRatio: number;
}

export enum OutageVerdict {
  /** Not in outage and none open: per-token alerts as usual. */
  Normal = 'normal',
  /** Not (yet) an outage, but refreshes of the provider are still in flight: fresh transient failures wait, at most one window. */
  Deciding = 'deciding',
  /** The window meets both thresholds: open (or continue) the incident. */
  Outage = 'outage',
  /** An incident is open and the window neither confirms nor ends it (too few attempts, no successes). */
  Ongoing = 'ongoing',
  /** An incident is open and enough refreshes succeed again: close it. */
  Recovered = 'recovered',
}

/** At least `minFailures` transient failures that are at least `failureRatio` of the window's attempts. */
export function meetsOutageThresholds(tally: ProviderRefreshTally, thresholds: OutageThresholds): boolean {
  return (
    tally.attempts > 0 && tally.transientFailures >= thresholds.minFailures && tally.transientFailures >= thresholds.failureRatio * tally.attempts
  );
}

/**
 * Evidence that the provider answers again: as many successes as it took failures to open an
 * incident, or successes and no failure at all (a small provider). Silence is no evidence.
 */
export function showsRecovery(tally: ProviderRefreshTally, thresholds: OutageThresholds): boolean {
  return tally.successes >= thresholds.minFailures || (tally.successes > 0 && tally.transientFailures === 0);
}

/**
 * What one provider's sliding window of attempts means. The window holds every
 * replica's and every hand-out's latest attempt per token, so no verdict waits for
 * a moment when nothing is in flight: overlapping cycles decide as they go.
 */
export function outageVerdict(tally: ProviderRefreshTally, thresholds: OutageThresholds, open: boolean): OutageVerdict {
  if (meetsOutageThresholds(tally, thresholds)) return OutageVerdict.Outage;
  if (open) return showsRecovery(tally, thresholds) ? OutageVerdict.Recovered : OutageVerdict.Ongoing;
  if (tally.inFlight > 0 && tally.transientFailures > 0) return OutageVerdict.Deciding;
  return OutageVerdict.Normal;
}
