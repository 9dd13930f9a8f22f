import { ConfigService } from '@nestjs/config';
import { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { OAuthToken, TOKEN_HEALTH_MIGRATIONS } from 'token-health';
import { CreateOAuthTokens1700000000000 } from '../migrations/1700000000000-create-oauth-tokens';
import { CreateHostAlerts1700000000001 } from '../migrations/1700000000001-create-host-alerts';

/** The host's one database: its own migrations first (it had oauth_tokens before), then token-health's. */
export function hostDatabase(env: ConfigService): TypeOrmModuleOptions {
  return {
    type: 'postgres',
    url: env.getOrThrow<string>('DATABASE_URL'),
    entities: [OAuthToken],
    migrations: [CreateOAuthTokens1700000000000, CreateHostAlerts1700000000001, ...TOKEN_HEALTH_MIGRATIONS],
    migrationsRun: true,
    synchronize: false,
  };
}
