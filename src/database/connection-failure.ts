import { DatabaseError, DatabaseErrorCode } from './database.error';

interface PgFailure {
  code?: string;
  message?: string;
}

/**
 * The first connection's failure as one line naming host, port and database of DATABASE_URL
 * (never its password) and the cause, for the start to stop with.
 */
export function describeConnectionFailure(url: string, error: unknown): DatabaseError {
  const failure = (error ?? {}) as PgFailure;
  const { hostname, port, pathname, username } = new URL(url);
  const where = `${hostname}:${port || '5432'}/${decodeURIComponent(pathname.slice(1)) || 'postgres'}`;
  switch (failure.code) {
    // invalid_password, invalid_authorization_specification
    case '28P01':
    case '28000':
      return new DatabaseError(
        DatabaseErrorCode.AuthenticationFailed,
        `The database at ${where} (DATABASE_URL) refused user "${decodeURIComponent(username) || 'postgres'}": ${firstLine(failure)}`,
      );
    // invalid_catalog_name
    case '3D000':
      return new DatabaseError(DatabaseErrorCode.DatabaseMissing, `The database at ${where} (DATABASE_URL) does not exist: ${firstLine(failure)}`);
    default:
      return new DatabaseError(DatabaseErrorCode.Unreachable, `Cannot reach the database at ${where} (DATABASE_URL): ${firstLine(failure)}`);
  }
}

function firstLine({ code, message }: PgFailure): string {
  const text = (message || 'no answer').split('\n')[0];
  return code && !text.includes(code) ? `${text} (${code})` : text;
}
