export enum TokenHealthErrorCode {
  InvalidInput = 'INVALID_INPUT',
  NotFound = 'NOT_FOUND',
  Unauthenticated = 'UNAUTHENTICATED',
}

/** An error the API reports to its caller as is (message is safe to show). */
export class TokenHealthError extends Error {
  constructor(
    readonly code: TokenHealthErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'TokenHealthError';
  }

  static invalidInput(field: string, message: string): TokenHealthError {
    return new TokenHealthError(TokenHealthErrorCode.InvalidInput, message, field);
  }
}
