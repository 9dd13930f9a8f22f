import { ConfigError } from './config.error';
import { parseEncryptionKey } from './encryption-key';

describe(parseEncryptionKey.name, () => {
  const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

  it('reads 64 hex characters, either case, around whitespace', () => {
    expect(parseEncryptionKey('K', bytes.toString('hex'))).toEqual(bytes);
    expect(parseEncryptionKey('K', ` ${bytes.toString('hex').toUpperCase()}\n`)).toEqual(bytes);
  });

  it('reads base64 of 32 bytes', () => {
    expect(parseEncryptionKey('K', bytes.toString('base64'))).toEqual(bytes);
  });

  it.each([
    ['64 hex characters with more after them', `${'a'.repeat(64)}==`],
    ['65 hex characters', `0${'a'.repeat(64)}`],
    ['base64 of 31 bytes', Buffer.alloc(31, 1).toString('base64')],
  ])('refuses %s, naming the variable', (_name, raw) => {
    expect(() => parseEncryptionKey('TOKEN_ENCRYPTION_KEY', raw)).toThrow(
      new ConfigError('Invalid configuration: TOKEN_ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64'),
    );
  });
});
