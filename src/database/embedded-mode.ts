import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServerConfig } from '../config/server-config';
import { parseEncryptionKey } from '../config/encryption-key';
import { EmbeddedDatabase } from './embedded-database';

/**
 * Zero-setup mode (no DATABASE_URL): start the embedded PostgreSQL in the data
 * directory and, unless TOKEN_ENCRYPTION_KEY is set, use a key generated once and
 * kept beside the data — losing it would make every stored token unreadable.
 */
export async function prepareEmbeddedMode(config: ServerConfig): Promise<EmbeddedDatabase> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o711 });
  config.tokenEncryptionKey ??= readOrCreateKey(join(config.dataDir, 'encryption.key'));
  const database = await EmbeddedDatabase.start({
    dataDir: config.dataDir,
    maxConnections: Math.max(100, (config.tokenHealth.concurrency + 10) * 4),
    ownerPort: config.port,
  });
  config.databaseUrl = database.url;
  return database;
}

function readOrCreateKey(path: string): Buffer {
  if (existsSync(path)) return parseEncryptionKey(path, readFileSync(path, 'utf8'));
  const key = randomBytes(32);
  writeFileSync(path, key.toString('base64'), { mode: 0o600 });
  return key;
}
