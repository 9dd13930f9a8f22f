// The environment every app process of a bench gets.
import { randomBytes } from 'node:crypto';

// One key per bench run: the seed encrypts with it and every app process decrypts with it.
export const ENCRYPTION_KEY_HEX = randomBytes(32).toString('hex');
export const ADMIN_API_TOKEN = `bench-admin-${randomBytes(12).toString('hex')}`;

export type Env = Record<string, string>;

export interface AppEnvOptions {
  databaseUrl: string;
  accountsUrl?: string;
  concurrency?: number;
  port?: number;
  extra?: Env;
}

export function appEnv({ databaseUrl, accountsUrl, concurrency = 10, port, extra = {} }: AppEnvOptions): Env {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY_HEX,
    ADMIN_API_TOKEN,
    ZOHO_CLIENT_ID: 'bench-client-id',
    ZOHO_CLIENT_SECRET: 'bench-client-secret',
    // The fake listens on 127.0.0.1; it must be the default accounts server to be allowed.
    ZOHO_ACCOUNTS_URL: accountsUrl ?? 'http://127.0.0.1:9',
    TOKEN_HEALTH_CONCURRENCY: String(concurrency),
    // The bench triggers cycles itself; the cron must not fire in the middle of a measurement.
    TOKEN_HEALTH_ENABLED: 'false',
    TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '10',
    ...(port !== undefined && { PORT: String(port) }),
    ...extra,
  };
}
