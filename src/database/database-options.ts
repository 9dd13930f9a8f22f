import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';

/** `entities`: the features' entities, handed in by whoever wires them (the database knows none). */
export function buildDataSourceOptions(url: string, poolSize = 20, entities: NonNullable<DataSourceOptions['entities']> = []): DataSourceOptions {
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
    },
  };
}
