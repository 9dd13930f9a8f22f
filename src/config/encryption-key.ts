import { ConfigError } from './config.error';

/** Accepts a 32-byte key written as 64 hex characters or as base64. */
export function parseEncryptionKey(variable: string, raw: string): Buffer {
  const text = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) {
    throw new ConfigError(`Invalid configuration: ${variable} must be 32 bytes, as 64 hex characters or base64`);
  }
  return key;
}
