import { FeatureError } from '../common/feature.error';

export enum DatabaseErrorCode {
  /** The configured pool is larger than the connections the server allows ordinary roles. */
  PoolOverServerLimit = 'POOL_OVER_SERVER_LIMIT',
}

/** The database cannot serve the module as configured; the message says what to change. */
export class DatabaseError extends FeatureError<DatabaseErrorCode> {
  constructor(code: DatabaseErrorCode, message: string) {
    super(code, message);
  }
}
