import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ServerConfig } from '../config/server-config';
import { ConfigError } from '../config/config.error';

const ADMIN_TOKEN_FILE = 'admin-token';
/** As for ADMIN_API_TOKEN (env.schema.ts). */
const MIN_TOKEN_LENGTH = 16;

/**
 * The standalone service's admin token when ADMIN_API_TOKEN is unset: created
 * once in `<dataDir>/admin-token` (0600) and read back on every restart, so it
 * stays the same and only someone who can read the data directory learns it.
 * The log names the file, never the token (logs are shipped elsewhere). A
 * production deployment must set the variable: a token nobody chose, in a file
 * on one replica's disk, is not an operable secret there.
 * Returns the line to log (the app's logger does not exist yet), if any.
 */
export function resolveAdminToken(config: ServerConfig): string | undefined {
  if (config.adminApiToken) return undefined;
  if (config.nodeEnv === 'production') {
    throw new ConfigError('Invalid configuration: ADMIN_API_TOKEN is required when NODE_ENV=production');
  }
  // 0711 as for the embedded database, which lives below and runs as another user.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o711 });
  const path = resolve(join(config.dataDir, ADMIN_TOKEN_FILE));
  if (existsSync(path)) {
    const stored = readFileSync(path, 'utf8').trim();
    if (stored.length < MIN_TOKEN_LENGTH) {
      throw new ConfigError(`Invalid configuration: ${path} holds no usable admin token; delete it to generate a new one`);
    }
    config.adminApiToken = stored;
    chmodSync(path, 0o600);
    return `ADMIN_API_TOKEN is not set; using the admin token stored in ${path}`;
  }
  config.adminApiToken = randomBytes(24).toString('base64url');
  writeFileSync(path, `${config.adminApiToken}\n`, { mode: 0o600, flag: 'wx' });
  return `ADMIN_API_TOKEN is not set; generated an admin token into ${path} (readable by this user only)`;
}
