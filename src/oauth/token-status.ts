/** Values of `oauth_tokens.token_status`. */
export enum TokenStatus {
  Healthy = 'healthy',
  Expiring = 'expiring',
  RefreshFailed = 'refresh_failed',
  Invalid = 'invalid',
}

/** Every status, most severe first: the one order the fleet list, digests and reports sort by. */
export const STATUSES_BY_SEVERITY: readonly TokenStatus[] = [
  TokenStatus.Invalid,
  TokenStatus.RefreshFailed,
  TokenStatus.Expiring,
  TokenStatus.Healthy,
];

/** A status's severity rank: 0 for healthy, higher is worse. */
export function severityRank(status: TokenStatus): number {
  return STATUSES_BY_SEVERITY.length - 1 - STATUSES_BY_SEVERITY.indexOf(status);
}
