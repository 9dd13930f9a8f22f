import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { OAuthToken } from '../oauth/oauth-token.entity';

export const ENTITIES = [OAuthToken];

export function buildDataSourceOptions(url: string, poolSize = 20): DataSourceOptions {
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
    },
  };
}
