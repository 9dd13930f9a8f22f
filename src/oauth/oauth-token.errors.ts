import { FeatureError } from '../common/feature.error';
import { TokenStatus } from './token-status';

export enum OAuthTokenErrorCode {
  /** No token set is stored for (client, provider). */
  NotFound = 'NOT_FOUND',
  /** The token could not be refreshed, so no valid access token can be handed out. */
  Unusable = 'UNUSABLE',
  /** A stored token cannot be decrypted (legacy plaintext, removed key, moved from another row): only a re-register or re-connect helps. */
  Unreadable = 'UNREADABLE',
}

/** Why a stored value cannot be decrypted. */
export type UnreadableReason = 'not-encrypted' | 'unknown-key' | 'failed-authentication';

/** What an OAuthTokenError is about; never any token material. */
export interface OAuthTokenErrorDetails {
  clientId?: string;
  provider?: string;
  status?: TokenStatus;
  reason?: UnreadableReason;
}

/** A stored token that cannot serve the caller. */
export class OAuthTokenError extends FeatureError<OAuthTokenErrorCode> {
  readonly clientId?: string;
  readonly provider?: string;
  readonly status?: TokenStatus;
  readonly reason?: UnreadableReason;

  constructor(code: OAuthTokenErrorCode, message: string, details: OAuthTokenErrorDetails = {}) {
    super(code, message);
    this.clientId = details.clientId;
    this.provider = details.provider;
    this.status = details.status;
    this.reason = details.reason;
  }

  /** A stored value the cipher cannot read; carries no part of the value. */
  static unreadableValue(reason: UnreadableReason): OAuthTokenError {
    return new OAuthTokenError(OAuthTokenErrorCode.Unreadable, `Stored value is unreadable (${reason})`, { reason });
  }

  static isUnreadable(error: unknown): error is OAuthTokenError {
    return error instanceof OAuthTokenError && error.code === OAuthTokenErrorCode.Unreadable;
  }
}

// The classes below are the package's public names for OAuthTokenService's failures (src/index.ts):
// host apps catch them with `instanceof`, so each stays a subclass that only fixes the code.

/** No token set is stored for (client, provider). */
export class TokenNotFoundError extends OAuthTokenError {
  declare readonly clientId: string;
  declare readonly provider: string;

  constructor(clientId: string, provider: string) {
    super(OAuthTokenErrorCode.NotFound, `No ${provider} connection is stored for client ${clientId}`, { clientId, provider });
  }
}

/** The token could not be refreshed, so no valid access token can be handed out. */
export class TokenUnusableError extends OAuthTokenError {
  declare readonly clientId: string;
  declare readonly provider: string;
  declare readonly status: TokenStatus;

  constructor(clientId: string, provider: string, status: TokenStatus, detail: string | null) {
    super(OAuthTokenErrorCode.Unusable, `The ${provider} connection of client ${clientId} is ${status}${detail ? `: ${detail}` : ''}`, {
      clientId,
      provider,
      status,
    });
  }
}

/** The stored token cannot be decrypted (legacy plaintext, removed key, or moved from another row): only a re-register or re-connect helps. */
export class TokenUnreadableError extends OAuthTokenError {
  declare readonly clientId: string;
  declare readonly provider: string;

  constructor(clientId: string, provider: string) {
    super(OAuthTokenErrorCode.Unreadable, `The stored ${provider} token of client ${clientId} is unreadable; re-register or re-connect it`, {
      clientId,
      provider,
    });
  }
}
