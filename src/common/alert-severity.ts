/** How urgent an alert is; configuration (the SMS threshold) and alerting share it. */
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
