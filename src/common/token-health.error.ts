import { FeatureError } from './feature.error';

export enum TokenHealthErrorCode {
  InvalidInput = 'INVALID_INPUT',
  NotFound = 'NOT_FOUND',
  Unauthenticated = 'UNAUTHENTICATED',
  /** A valid credential without the scope the operation needs. */
  Forbidden = 'FORBIDDEN',
  /** Too many failed authentications from the caller's address; `retryAfterSeconds` says when to try again. */
  TooManyAttempts = 'TOO_MANY_ATTEMPTS',
}

/** An error the API reports to its caller as is (message is safe to show). */
export class TokenHealthError extends FeatureError<TokenHealthErrorCode> {
  constructor(
    code: TokenHealthErrorCode,
    message: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message);
  }

  static tooManyAttempts(retryAfterSeconds: number): TokenHealthError {
    const minutes = Math.ceil(retryAfterSeconds / 60);
    return new TokenHealthError(
      TokenHealthErrorCode.TooManyAttempts,
      `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      undefined,
      retryAfterSeconds,
    );
  }

  static invalidInput(field: string, message: string): TokenHealthError {
    return new TokenHealthError(TokenHealthErrorCode.InvalidInput, message, field);
  }
}
