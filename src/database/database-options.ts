import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { OAuthToken } from '../oauth/oauth-token.entity';

export const ENTITIES = [OAuthToken];

/** Server-side limits on each pooled session; unset (the CLI) means PostgreSQL's defaults. */
export interface SessionTimeouts {
  /** A statement running longer is cancelled by the server, so an abandoned query cannot hold a connection. */
  statementTimeoutMs: number;
  /** A transaction left open and idle longer is ended by the server, releasing its row locks. */
  idleInTransactionTimeoutMs: number;
}

export function buildDataSourceOptions(url: string, poolSize = 20, timeouts?: SessionTimeouts): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 5_000,
      application_name: 'token-health',
      ...(timeouts && {
        statement_timeout: timeouts.statementTimeoutMs,
        idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMs,
      }),
    },
  };
}
