import { FeatureError } from './feature.error';

export enum TokenHealthErrorCode {
  InvalidInput = 'INVALID_INPUT',
  NotFound = 'NOT_FOUND',
  Unauthenticated = 'UNAUTHENTICATED',
}

/** An error the API reports to its caller as is (message is safe to show). */
export class TokenHealthError extends FeatureError<TokenHealthErrorCode> {
  constructor(
    code: TokenHealthErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(code, message);
  }

  static invalidInput(field: string, message: string): TokenHealthError {
    return new TokenHealthError(TokenHealthErrorCode.InvalidInput, message, field);
  }
}
