import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { SealContext, TokenCipher } from './token-cipher';
import { OAuthTokenError, OAuthTokenErrorCode } from './oauth-token.errors';
import { thrownBy } from '../../test/support/thrown-by';

const refreshOf = (clientId: string, provider = 'zoho'): SealContext => ({ clientId, provider, column: 'refresh_token' });

/** A value in the format of the first release: no associated data. */
function legacyV1(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return ['v1', keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join(':');
}

describe(TokenCipher.name, () => {
  const key = randomBytes(32);
  const sut = new TokenCipher(key);
  const acme = refreshOf('acme');

  it('round-trips a value and never stores the plaintext', () => {
    const stored = sut.encrypt('1000.refresh-token', acme);

    expect(stored).not.toContain('1000.refresh-token');
    expect(stored).toMatch(/^v2:[0-9a-f]{8}:/);
    expect(sut.decrypt(stored, acme)).toBe('1000.refresh-token');
  });

  it('uses a fresh IV for every value', () => {
    expect(sut.encrypt('same', acme)).not.toBe(sut.encrypt('same', acme));
  });

  it('refuses a tampered value', () => {
    const [version, keyId, iv, tag, ciphertext] = sut.encrypt('secret', acme).split(':');
    const flipped = Buffer.from(ciphertext, 'base64url');
    flipped[0] ^= 1;

    expect(() => sut.decrypt([version, keyId, iv, tag, flipped.toString('base64url')].join(':'), acme)).toThrow(OAuthTokenError);
  });

  it('refuses a value copied from another row', () => {
    const stored = sut.encrypt('secret', refreshOf('globex'));

    expect(thrownBy(() => sut.decrypt(stored, acme))).toMatchObject({ reason: 'failed-authentication' });
  });

  it('refuses a value copied from another column of the same row', () => {
    const stored = sut.encrypt('secret', { ...acme, column: 'access_token' });

    expect(thrownBy(() => sut.decrypt(stored, acme))).toMatchObject({ reason: 'failed-authentication' });
  });

  it('binds client and provider unambiguously', () => {
    const stored = sut.encrypt('secret', refreshOf('a","b', 'c'));

    expect(() => sut.decrypt(stored, refreshOf('a', 'b","c'))).toThrow(OAuthTokenError);
  });

  it('still reads v1 values, which are not bound to a row, and reports them as not current', () => {
    const old = legacyV1(key, 'from the first release');

    expect(sut.decrypt(old, acme)).toBe('from the first release');
    expect(sut.isCurrent(old)).toBe(false);
  });

  it('reads values written with a previous key after rotation, and writes with the new one', () => {
    const old = sut.encrypt('before rotation', acme);
    const rotated = new TokenCipher(randomBytes(32), [key]);

    expect(rotated.decrypt(old, acme)).toBe('before rotation');
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.isCurrent(rotated.encrypt('after', acme))).toBe(true);
    expect(rotated.currentPrefix).not.toBe(sut.currentPrefix);
  });

  it('calls a value under an unknown key unreadable without revealing anything else', () => {
    expect(thrownBy(() => new TokenCipher(randomBytes(32)).decrypt(sut.encrypt('x', acme), acme))).toMatchObject({
      reason: 'unknown-key',
      message: 'Stored value is unreadable (unknown-key)',
    });
  });

  it('calls plaintext unreadable', () => {
    expect(thrownBy(() => sut.decrypt('1000.plain-refresh-token', acme))).toMatchObject({ reason: 'not-encrypted' });
  });
});

describe(`${TokenCipher.name} (stored format)`, () => {
  const key = Buffer.alloc(32, 3);
  const sut = new TokenCipher(key, [Buffer.alloc(32, 4)]);
  const here = refreshOf('acme');
  const reasonOf = (stored: string) => {
    try {
      sut.decrypt(stored, here);
    } catch (error) {
      return error instanceof OAuthTokenError ? error.reason : `unexpected ${String(error)}`;
    }
    return 'read';
  };

  it('writes v2, a key id taken from the key, a 12-byte IV, a 16-byte tag and the ciphertext, base64url', () => {
    const parts = sut.encrypt('value', here).split(':');

    expect(parts).toHaveLength(5);
    expect(parts.slice(0, 2)).toEqual(['v2', createHash('sha256').update(key).digest('hex').slice(0, 8)]);
    expect(Buffer.from(parts[2], 'base64url')).toHaveLength(12);
    expect(Buffer.from(parts[3], 'base64url')).toHaveLength(16);
    expect(parts.slice(2).every((part) => /^[A-Za-z0-9_-]+$/.test(part))).toBe(true);
  });

  it.each([
    ['another version', (stored: string) => stored.replace(/^v2:/, 'v3:')],
    ['a missing part', (stored: string) => stored.split(':').slice(0, 4).join(':')],
    ['an extra part', (stored: string) => `${stored}:more`],
  ])('calls a value with %s not encrypted', (_name, change) => {
    expect(reasonOf(change(sut.encrypt('secret', here)))).toBe('not-encrypted');
  });

  it('tells a bad tag apart as failed authentication, and says so in its message and name', () => {
    const [version, keyId, iv, , ciphertext] = sut.encrypt('secret', here).split(':');
    const error = (() => {
      try {
        sut.decrypt([version, keyId, iv, Buffer.alloc(16).toString('base64url'), ciphertext].join(':'), here);
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toMatchObject({
      reason: 'failed-authentication',
      code: OAuthTokenErrorCode.Unreadable,
      name: 'OAuthTokenError',
      message: 'Stored value is unreadable (failed-authentication)',
    });
  });

  it('passes null and undefined through the nullable variants', () => {
    expect(sut.encryptNullable(null, here)).toBeNull();
    expect(sut.encryptNullable(undefined, here)).toBeNull();
    expect(sut.decryptNullable(null, here)).toBeNull();
    expect(sut.decryptNullable(sut.encryptNullable('x', here), here)).toBe('x');
  });

  it('round-trips an empty string and text outside ASCII', () => {
    expect(sut.decrypt(sut.encrypt('', here), here)).toBe('');
    expect(sut.decrypt(sut.encrypt('Zürich-客户-🚀', here), here)).toBe('Zürich-客户-🚀');
  });

  it('names the current prefix and every key id, current first', () => {
    const current = createHash('sha256').update(key).digest('hex').slice(0, 8);
    const previous = createHash('sha256').update(Buffer.alloc(32, 4)).digest('hex').slice(0, 8);

    expect(sut.currentPrefix).toBe(`v2:${current}:`);
    expect(sut.keyIds).toEqual([current, previous]);
    expect(sut.isCurrent(sut.encrypt('x', here))).toBe(true);
    expect(sut.isCurrent(`v1:${current}:a:b:c`)).toBe(false);
  });
});
