import { FeatureError } from '../common/feature.error';

export enum OAuthProviderErrorCode {
  /** The grant is dead (revoked, deleted, expired refresh token): only a re-authorization helps. */
  DeadGrant = 'DEAD_GRANT',
  /** Our OAuth application is misconfigured (wrong client id/secret): an operator must fix it. */
  Configuration = 'CONFIGURATION',
  /** Network fault, timeout, 5xx, malformed answer: may succeed later. */
  Transient = 'TRANSIENT',
  /** The provider asked us to slow down (429, 503 with Retry-After, a rate-limit answer): says nothing about the token. */
  Throttled = 'THROTTLED',
}

/**
 * A classified provider failure. `message` is safe to store, log and show:
 * adapters never put request bodies, tokens or secrets into it.
 */
export class OAuthProviderError extends FeatureError<OAuthProviderErrorCode> {
  constructor(
    code: OAuthProviderErrorCode,
    message: string,
    /** Seconds the provider asked us to wait (429 Retry-After), when known. */
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message);
  }

  get isDeadGrant(): boolean {
    return this.code === OAuthProviderErrorCode.DeadGrant;
  }

  get isTransient(): boolean {
    return this.code === OAuthProviderErrorCode.Transient;
  }

  get isThrottled(): boolean {
    return this.code === OAuthProviderErrorCode.Throttled;
  }
}
