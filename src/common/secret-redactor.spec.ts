import { SECRET_FRAGMENT, SecretRedactor } from './secret-redactor';

const SECRET = '1000.abcdef0123456789ABCDEF0123456789.xyz';

/** Every `SECRET_FRAGMENT`-character window of `secret` (any case) left in `text`. */
function fragmentsLeft(secret: string, text: string): string[] {
  const found: string[] = [];
  for (let start = 0; start + SECRET_FRAGMENT <= secret.length; start++) {
    const piece = secret.slice(start, start + SECRET_FRAGMENT).toLowerCase();
    if (text.toLowerCase().includes(piece)) found.push(piece);
  }
  return found;
}

describe(SecretRedactor.name, () => {
  const sut = new SecretRedactor([SECRET, 'tiny-secret']);

  it.each([
    ['the whole secret', SECRET],
    ['a 30-character prefix', SECRET.slice(0, 30)],
    ['a 12-character window from the middle', SECRET.slice(9, 21)],
    ['the secret upper-cased', SECRET.toUpperCase()],
    ['the secret lower-cased', SECRET.toLowerCase()],
    ['the secret URL-encoded', encodeURIComponent(`${SECRET}/+=`)],
  ])('redacts %s', (_name, echo) => {
    const redacted = sut.redact(`the provider said: ${echo} (echoed)`);

    expect(redacted).toMatch(/^the provider said: .*\[redacted\].* \(echoed\)$/);
    expect(fragmentsLeft(SECRET, redacted)).toEqual([]);
  });

  it.each([0, 1, 2])('redacts the secret base64-encoded after %i other bytes, standard and URL-safe', (offset) => {
    const bytes = Buffer.from(`${'x'.repeat(offset)}${SECRET}>>>`);

    for (const encoded of [bytes.toString('base64'), bytes.toString('base64url')]) {
      const redacted = sut.redact(`basic ${encoded}`);

      expect(redacted).toContain('[redacted]');
      expect(redacted.length).toBeLessThan(encoded.length);
      expect(fragmentsLeft(encoded.slice(8, -8), redacted)).toEqual([]);
    }
  });

  it('redacts a secret shorter than a fragment only whole, in any case', () => {
    expect(sut.redact('TINY-SECRET and tiny-secre')).toBe('[redacted] and tiny-secre');
  });

  it('merges overlapping matches into one marker and keeps the rest of the text', () => {
    expect(sut.redact(`a ${SECRET}${SECRET.toUpperCase()} b`)).toBe('a [redacted] b');
  });

  it('leaves text without a fragment of a secret unchanged, however long', () => {
    const text = `invalid_grant: ${SECRET.slice(0, SECRET_FRAGMENT - 1)} ${'z'.repeat(10_000)}`;

    expect(sut.redact(text)).toBe(text);
  });
});
