import { OAuthProviderError, OAuthProviderErrorCode } from './oauth-provider.error';
import { TokenStatus } from './token-status';
import { assertNever } from '../common/assert-never';

/** Errors that are ours to fix (app credentials, allowlist) start with this; alerts then say so. */
export const CONFIGURATION_ERROR_PREFIX = 'OAuth app configuration problem';

/** Stored when a token has no refresh token at all, by the set-wise sweep and by a single refresh alike. */
export const NO_REFRESH_TOKEN_ERROR = 'No refresh token is stored: the connection must be re-authorized';

/** Stored when a token's ciphertext cannot be decrypted (legacy plaintext, removed key, copied from another row). */
export const UNREADABLE_TOKEN_ERROR = 'stored token unreadable (re-register or re-connect)';

export interface RefreshVerdict {
  status: TokenStatus;
  /** Stored in `health_check_error`; never contains token material. */
  error: string;
}

/** Maps a failed refresh to the token's status (CONTRACT "Status rules"). */
export function verdictForRefreshFailure(error: unknown): RefreshVerdict {
  if (!(error instanceof OAuthProviderError)) {
    return { status: TokenStatus.RefreshFailed, error: `Unexpected error during refresh: ${describe(error)}` };
  }
  switch (error.code) {
    case OAuthProviderErrorCode.DeadGrant:
      return { status: TokenStatus.Invalid, error: `The provider rejected the refresh token: ${error.message}` };
    case OAuthProviderErrorCode.Configuration:
      return { status: TokenStatus.RefreshFailed, error: `${CONFIGURATION_ERROR_PREFIX}: ${error.message}` };
    case OAuthProviderErrorCode.Transient:
      return { status: TokenStatus.RefreshFailed, error: `Refresh failed, will retry: ${error.message}` };
    default:
      return assertNever(error.code);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.name + (error.message ? `: ${error.message.slice(0, 200)}` : '') : 'unknown error';
}
