/** No session: a page request goes to the login form, a POST is refused. */
export class ConsoleUnauthenticatedError extends Error {
  constructor() {
    super('Not logged in');
  }
}

/** A state-changing request without the session's CSRF token. */
export class ConsoleCsrfError extends Error {
  constructor() {
    super('Missing or wrong CSRF token');
  }
}
