import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';

/** Server-side limits on each pooled session; unset (the CLI) means PostgreSQL's defaults. */
export interface SessionTimeouts {
  /** A statement running longer is cancelled by the server, so an abandoned query cannot hold a connection. */
  statementTimeoutMs: number;
  /** A transaction left open and idle longer is ended by the server, releasing its row locks. */
  idleInTransactionTimeoutMs: number;
}

export interface DataSourceExtras {
  /** The features' entities, handed in by whoever wires them (the database knows none). */
  entities?: NonNullable<DataSourceOptions['entities']>;
  timeouts?: SessionTimeouts;
}

export function buildDataSourceOptions(url: string, poolSize = 20, { entities = [], timeouts }: DataSourceExtras = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
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
