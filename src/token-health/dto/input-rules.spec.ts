import { TokenHealthError } from '../../common/token-health.error';
import { optionalDate, requireId } from './input-rules';

const rejection = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return error as TokenHealthError;
  }
  throw new Error('expected a rejection');
};

describe(requireId.name, () => {
  it.each(['acme', 'Zürich-客户-🚀', "x'; DROP TABLE oauth_tokens; --", 'a b'])('accepts %j as it is', (value) => {
    expect(requireId('clientId', value)).toBe(value);
  });

  it.each([
    ['a NUL byte', 'ac\u0000me'],
    ['a newline', 'acme\nroot'],
    ['a C1 control character', 'acme\u0085'],
    ['DEL', 'acme\u007f'],
    ['a lone high surrogate', 'acme\ud800'],
    ['a lone low surrogate', '\udc00acme'],
    ['a leading space', ' acme'],
    ['a trailing space', 'acme '],
    ['a trailing tab', 'acme\t'],
    ['a zero-width space', 'ac\u200Bme'],
    ['a zero-width joiner', 'ac\u200Dme'],
    ['a word joiner', 'ac\u2060me'],
    ['a byte order mark', '\uFEFFacme'],
    ['a right-to-left override', 'ac\u202Eme'],
    ['a line separator', 'ac\u2028me'],
    ['a paragraph separator', 'ac\u2029me'],
  ])('rejects a clientId with %s as invalid input', (_name, value) => {
    const error = rejection(() => requireId('clientId', value));

    expect(error).toBeInstanceOf(TokenHealthError);
    expect(error.field).toBe('clientId');
  });
});

describe(optionalDate.name, () => {
  it('passes null through', () => {
    expect(optionalDate('accessTokenExpiresAt', null)).toBeNull();
  });

  it('accepts a date in range', () => {
    const date = new Date('2030-01-01T00:00:00Z');

    expect(optionalDate('accessTokenExpiresAt', date)).toBe(date);
  });

  it.each([
    ['an invalid date (year 99999 as the scalar parses it)', new Date('99999-01-01T00:00:00Z')],
    ['a year beyond 9999', new Date('+099999-01-01T00:00:00Z')],
    ['year 0', new Date('0000-01-01T00:00:00Z')],
  ])('rejects %s as invalid input', (_name, value) => {
    expect(rejection(() => optionalDate('accessTokenExpiresAt', value)).field).toBe('accessTokenExpiresAt');
  });
});
