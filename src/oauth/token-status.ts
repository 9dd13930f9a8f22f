/** Values of `oauth_tokens.token_status` (CONTRACT.md "Status rules"). */
export enum TokenStatus {
  Healthy = 'healthy',
  Expiring = 'expiring',
  RefreshFailed = 'refresh_failed',
  Invalid = 'invalid',
}

export const UNHEALTHY_STATUSES = [TokenStatus.Expiring, TokenStatus.RefreshFailed, TokenStatus.Invalid];
