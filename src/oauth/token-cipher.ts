import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;

/**
 * AES-256-GCM for tokens and secrets at rest. Each value is
 * `v1:<key id>:<iv>:<tag>:<ciphertext>` (base64url parts) with a fresh random
 * IV; the key id lets old values be read after the key is rotated.
 */
export class TokenCipher {
  private readonly keysById: Map<string, Buffer>;
  private readonly currentKeyId: string;

  constructor(currentKey: Buffer, previousKeys: Buffer[] = []) {
    this.currentKeyId = keyIdOf(currentKey);
    this.keysById = new Map([currentKey, ...previousKeys].map((key) => [keyIdOf(key), key]));
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keysById.get(this.currentKeyId)!, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.currentKeyId, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join(':');
  }

  decrypt(stored: string): string {
    const [version, keyId, iv, tag, ciphertext] = stored.split(':');
    if (version !== VERSION || ciphertext === undefined) {
      throw new Error('Stored token is not in the expected encrypted format');
    }
    const key = this.keysById.get(keyId);
    if (!key) {
      throw new Error(`Stored token was encrypted with unknown key ${keyId}`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  encryptNullable(plaintext: string | null | undefined): string | null {
    return plaintext == null ? null : this.encrypt(plaintext);
  }

  decryptNullable(stored: string | null): string | null {
    return stored == null ? null : this.decrypt(stored);
  }

  isCurrent(stored: string): boolean {
    return stored.startsWith(`${VERSION}:${this.currentKeyId}:`);
  }
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}
