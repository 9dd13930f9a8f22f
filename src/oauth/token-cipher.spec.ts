import { randomBytes } from 'node:crypto';
import { TokenCipher } from './token-cipher';

describe(TokenCipher.name, () => {
  const key = randomBytes(32);
  const sut = new TokenCipher(key);

  it('round-trips a value and never stores the plaintext', () => {
    const stored = sut.encrypt('1000.refresh-token');

    expect(stored).not.toContain('1000.refresh-token');
    expect(stored).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(sut.decrypt(stored)).toBe('1000.refresh-token');
  });

  it('uses a fresh IV for every value', () => {
    expect(sut.encrypt('same')).not.toBe(sut.encrypt('same'));
  });

  it('refuses a tampered value', () => {
    const [version, keyId, iv, tag, ciphertext] = sut.encrypt('secret').split(':');
    const flipped = Buffer.from(ciphertext, 'base64url');
    flipped[0] ^= 1;

    expect(() => sut.decrypt([version, keyId, iv, tag, flipped.toString('base64url')].join(':'))).toThrow();
  });

  it('reads values written with a previous key after rotation, and writes with the new one', () => {
    const old = sut.encrypt('before rotation');
    const rotated = new TokenCipher(randomBytes(32), [key]);

    expect(rotated.decrypt(old)).toBe('before rotation');
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.isCurrent(rotated.encrypt('after'))).toBe(true);
  });

  it('names an unknown key without revealing anything else', () => {
    expect(() => new TokenCipher(randomBytes(32)).decrypt(sut.encrypt('x'))).toThrow(/unknown key [0-9a-f]{8}$/);
  });
});
