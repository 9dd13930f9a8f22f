export enum AlertSeverity {
  Info = 'info',
  Warning = 'warning',
  Error = 'error',
  Critical = 'critical',
}

const SEVERITY_RANK: Record<AlertSeverity, number> = {
  [AlertSeverity.Info]: 0,
  [AlertSeverity.Warning]: 1,
  [AlertSeverity.Error]: 2,
  [AlertSeverity.Critical]: 3,
};

export function severityAtLeast(severity: AlertSeverity, minimum: AlertSeverity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[minimum];
}

/** One alert as handed to the alerting service. Never carries token material or secrets. */
export interface Alert {
  severity: AlertSeverity;
  title: string;
  /** Plain-text body: error detail, what to do, and the re-authorize link when there is one. */
  message: string;
  clientId?: string;
  provider?: string;
  status?: string;
  /** What the admin should do, in one sentence. */
  instruction?: string;
  /** Signed connect link that starts a re-authorization. */
  actionUrl?: string;
  /** `alert` on entering a status, `reminder` while it lasts, `resolved` when healthy again. */
  kind?: 'alert' | 'reminder' | 'resolved';
}
