import { TokenStatus } from '../oauth/token-status';

/** The seed's report shape, plus the timestamps the API shows. Never carries a secret. */
export interface TokenHealthReport {
  clientId: string;
  provider: string;
  status: TokenStatus;
  lastRefresh: Date | null;
  error: string | null;
  lastHealthCheck?: Date | null;
  accessTokenExpiresAt?: Date | null;
  /** Set by an on-demand check that did not call the provider: why, and when it can. */
  checkSkippedReason?: string | null;
}
