import { FeatureError } from '../common/feature.error';

export enum ConnectFlowErrorCode {
  /** The connect link is malformed, tampered with, expired or for another provider. */
  InvalidLink = 'INVALID_LINK',
  /** The OAuth `state` is missing, forged, expired or already used. */
  InvalidState = 'INVALID_STATE',
  /** The user declined the consent screen. */
  AccessDenied = 'ACCESS_DENIED',
  /** The provider sent another error, or no code, to the callback. */
  AuthorizationFailed = 'AUTHORIZATION_FAILED',
  /** `accounts-server` is not an allowed data centre: the code exchange would send our secret there. */
  DisallowedAccountsServer = 'DISALLOWED_ACCOUNTS_SERVER',
  /** The provider did not turn the code into a usable token set. */
  ExchangeFailed = 'EXCHANGE_FAILED',
  /** Our OAuth app credentials for the provider are not configured. */
  NotConfigured = 'NOT_CONFIGURED',
  /** The connection was started too often recently (each start stores a state row). */
  TooManyAttempts = 'TOO_MANY_ATTEMPTS',
}

/** Why a signed link or state did not verify. */
export type SignedTokenFailure = 'malformed' | 'bad-signature' | 'expired' | 'wrong-purpose';

/** A failed connect step. `message` is written for the person in the browser and never holds a secret. */
export class ConnectFlowError extends FeatureError<ConnectFlowErrorCode> {
  constructor(
    code: ConnectFlowErrorCode,
    message: string,
    /** Set when a signed link or state failed to verify. */
    readonly signedTokenFailure?: SignedTokenFailure,
  ) {
    super(code, message);
  }
}
