// Values in the first release's format (v1: AES-256-GCM without associated data), as rows written
// before row binding hold them. Built here, not by the app, which only writes v2.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';

export function legacyV1Ciphertext(keyHex: string, plaintext: string): string {
  const key = Buffer.from(keyHex, 'hex');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return ['v1', keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join(':');
}
