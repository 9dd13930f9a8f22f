import { TokenHealthRow } from './stored-token';
import { TokenStatus } from './token-status';

/** `oauth_tokens` as pg hands it back (snake_case, token columns still encrypted). */
export interface OAuthTokenRow {
  id: string;
  client_id: string;
  provider: string;
  access_token: string | null;
  refresh_token: string | null;
  token_expiry: Date | null;
  scope: string | null;
  token_status: TokenStatus;
  last_health_check: Date | null;
  health_check_error: string | null;
  last_refreshed_at: Date | null;
  last_refresh_attempt_at: Date | null;
  refresh_token_expires_at: Date | null;
  accounts_server: string | null;
  api_domain: string | null;
  health_check_lease_until: Date | null;
  last_alert_status: TokenStatus | null;
  last_alerted_at: Date | null;
}

/** The columns a report shows (no token material). */
export type OAuthTokenReportRow = Pick<
  OAuthTokenRow,
  'client_id' | 'provider' | 'token_status' | 'last_refreshed_at' | 'last_health_check' | 'token_expiry' | 'health_check_error'
>;

/** The status values as one SQL parameter each, so statements never spell a status literal. */
export const STATUS_PARAMETERS = {
  healthy: TokenStatus.Healthy,
  expiring: TokenStatus.Expiring,
  refreshFailed: TokenStatus.RefreshFailed,
  invalid: TokenStatus.Invalid,
} as const;

/** The report a row carries, with no token material. */
export function toHealthRow(row: OAuthTokenReportRow): TokenHealthRow {
  return {
    clientId: row.client_id,
    provider: row.provider,
    status: row.token_status,
    lastRefresh: row.last_refreshed_at,
    lastHealthCheck: row.last_health_check,
    accessTokenExpiresAt: row.token_expiry,
    error: row.health_check_error,
  };
}
