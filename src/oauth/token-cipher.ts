import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { OAuthTokenError } from './oauth-token.errors';

/** Values bound to their row and column through AES-GCM associated data. */
const VERSION = 'v2';
/** Unbound values from before v2: still readable, rewritten as v2 whenever their row is written. */
const LEGACY_VERSION = 'v1';
const IV_BYTES = 12;

export type SealedColumn = 'access_token' | 'refresh_token';

/** Where a value lives. It is authenticated with the value, so a copy in another row or column fails to decrypt. */
export interface SealContext {
  clientId: string;
  provider: string;
  column: SealedColumn;
}

/**
 * AES-256-GCM for tokens and secrets at rest. Each value is
 * `v2:<key id>:<iv>:<tag>:<ciphertext>` (base64url parts) with a fresh random
 * IV and the row's (client, provider, column) as associated data; the key id
 * lets values be read after the key is rotated.
 */
export class TokenCipher {
  private readonly keysById: Map<string, Buffer>;
  private readonly currentKeyId: string;

  constructor(currentKey: Buffer, previousKeys: Buffer[] = []) {
    this.currentKeyId = keyIdOf(currentKey);
    this.keysById = new Map([currentKey, ...previousKeys].map((key) => [keyIdOf(key), key]));
  }

  encrypt(plaintext: string, context: SealContext): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keysById.get(this.currentKeyId)!, iv);
    cipher.setAAD(associatedData(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.currentKeyId, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join(':');
  }

  /** Throws an unreadable OAuthTokenError for plaintext, an unknown key, or a value moved from another row or column. */
  decrypt(stored: string, context: SealContext): string {
    const parts = stored.split(':');
    const [version, keyId, iv, tag, ciphertext] = parts;
    if (parts.length !== 5 || (version !== VERSION && version !== LEGACY_VERSION)) {
      throw OAuthTokenError.unreadableValue('not-encrypted');
    }
    const key = this.keysById.get(keyId);
    if (!key) throw OAuthTokenError.unreadableValue('unknown-key');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      if (version === VERSION) decipher.setAAD(associatedData(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw OAuthTokenError.unreadableValue('failed-authentication');
    }
  }

  encryptNullable(plaintext: string | null | undefined, context: SealContext): string | null {
    return plaintext == null ? null : this.encrypt(plaintext, context);
  }

  decryptNullable(stored: string | null, context: SealContext): string | null {
    return stored == null ? null : this.decrypt(stored, context);
  }

  /** Current format under the current key: nothing to re-encrypt. */
  isCurrent(stored: string): boolean {
    return stored.startsWith(`${VERSION}:${this.currentKeyId}:`);
  }

  /** Prefix of every value written now (`v2:<current key id>:`), for set-wise SQL. */
  get currentPrefix(): string {
    return `${VERSION}:${this.currentKeyId}:`;
  }

  /** Ids of every key that can still decrypt (current first). */
  get keyIds(): string[] {
    return [...this.keysById.keys()];
  }
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

// JSON, not a separator: a client id may contain any character, and the encoding must be unambiguous.
function associatedData({ clientId, provider, column }: SealContext): Buffer {
  return Buffer.from(JSON.stringify([clientId, provider, column]), 'utf8');
}
