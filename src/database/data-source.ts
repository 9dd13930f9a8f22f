import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError } from '../config/config.error';
import { buildDataSourceOptions } from './database-options';

// Entry point for the TypeORM CLI (`npm run migration:run` / `migration:revert`);
// the only place besides main.ts that reads the environment directly.
const url = process.env.DATABASE_URL;
if (!url) {
  throw new ConfigError('DATABASE_URL must be set for the migration commands');
}

export default new DataSource(buildDataSourceOptions(url, 2));
