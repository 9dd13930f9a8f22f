import { FeatureError } from '../common/feature.error';

export enum DatabaseErrorCode {
  /** The configured pool is larger than the connections the server allows ordinary roles. */
  PoolOverServerLimit = 'POOL_OVER_SERVER_LIMIT',
  /** No connection could be opened (refused, unknown host, timeout). */
  Unreachable = 'UNREACHABLE',
  /** The server refused the URL's credentials. */
  AuthenticationFailed = 'AUTHENTICATION_FAILED',
  /** The server has no database of the URL's name. */
  DatabaseMissing = 'DATABASE_MISSING',
  /** The embedded database's directory belongs to another running instance. */
  DataDirInUse = 'DATA_DIR_IN_USE',
}

/** The database cannot serve the module as configured; the message says what to change. */
export class DatabaseError extends FeatureError<DatabaseErrorCode> {
  constructor(code: DatabaseErrorCode, message: string) {
    super(code, message);
  }
}
