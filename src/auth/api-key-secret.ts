import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  secret: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number },
) => Promise<Buffer>;

const PREFIX = 'thk';
// Ten hex characters: short enough that the id shown in lists and logs is never a 12-character window of the key.
const ID_BYTES = 5;
const SECRET_BYTES = 32;
const KEY_FORMAT = /^thk_([0-9a-f]{10})_([A-Za-z0-9_-]{43})$/;
// node's defaults: 16 MiB and some tens of milliseconds per hash, paid once per key and process (see ApiKeysService).
const SCRYPT = { N: 16384, r: 8, p: 1 };
const HASH_BYTES = 32;

export interface ApiKeyParts {
  id: string;
  secret: string;
}

export interface HashedSecret {
  salt: Buffer;
  hash: Buffer;
}

/** A new key: `thk_<id>_<secret>`, 256 random bits of secret. */
export function generateApiKey(): ApiKeyParts & { key: string } {
  const id = randomBytes(ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { id, secret, key: `${PREFIX}_${id}_${secret}` };
}

/** The id and secret of something shaped like a key, or undefined. */
export function parseApiKey(presented: string): ApiKeyParts | undefined {
  const match = KEY_FORMAT.exec(presented);
  return match ? { id: match[1], secret: match[2] } : undefined;
}

export async function hashSecret(secret: string): Promise<HashedSecret> {
  const salt = randomBytes(16);
  return { salt, hash: await scryptAsync(secret, salt, HASH_BYTES, SCRYPT) };
}

export async function secretMatches(secret: string, stored: HashedSecret): Promise<boolean> {
  const hash = await scryptAsync(secret, stored.salt, HASH_BYTES, SCRYPT);
  return hash.length === stored.hash.length && timingSafeEqual(hash, stored.hash);
}

/** A fast fingerprint of a secret already verified, for the in-memory memo; never stored. */
export function fingerprint(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
