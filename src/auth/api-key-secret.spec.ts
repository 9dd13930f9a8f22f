import { generateApiKey, hashSecret, parseApiKey, secretMatches } from './api-key-secret';

describe('API key secrets', () => {
  it('parses the id and secret back out of a generated key', () => {
    const { id, secret, key } = generateApiKey();

    expect(parseApiKey(key)).toEqual({ id, secret });
  });

  it.each([
    ['the admin token', 'admin-0123456789abcdef01234567'],
    ['a key with an upper-case id', `thk_ABCDEF0123_${'a'.repeat(43)}`],
    ['a key with a short secret', `thk_abcdef0123_${'a'.repeat(42)}`],
    ['a key with spaces around it', ` thk_abcdef0123_${'a'.repeat(43)} `],
  ])('does not take %s for a key', (_title, presented) => {
    expect(parseApiKey(presented)).toBeUndefined();
  });

  it('keeps the id shorter than a 12-character window of the key, so naming it never shows part of the key', () => {
    const { id, key } = generateApiKey();

    expect(id).toHaveLength(10);
    expect(key.indexOf(id)).toBe(4);
  });

  it('verifies a secret against its salted hash, and nothing else', async () => {
    const { secret } = generateApiKey();
    const stored = await hashSecret(secret);
    const other = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;

    expect(await secretMatches(secret, stored)).toBe(true);
    expect(await secretMatches(other, stored)).toBe(false);
    expect((await hashSecret(secret)).hash.equals(stored.hash)).toBe(false);
  });
});
