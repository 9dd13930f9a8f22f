import { FeatureError } from '../common/feature.error';

export enum ConsoleErrorCode {
  /** No session: a page request goes to the login form, a POST is refused. */
  Unauthenticated = 'UNAUTHENTICATED',
  /** A state-changing request without the session's CSRF token. */
  CsrfMismatch = 'CSRF_MISMATCH',
}

const MESSAGES: Record<ConsoleErrorCode, string> = {
  [ConsoleErrorCode.Unauthenticated]: 'Not logged in',
  [ConsoleErrorCode.CsrfMismatch]: 'Missing or wrong CSRF token',
};

/** A console request refused before it reached a page; ConsoleExceptionFilter answers it. */
export class ConsoleError extends FeatureError<ConsoleErrorCode> {
  constructor(code: ConsoleErrorCode) {
    super(code, MESSAGES[code]);
  }
}
