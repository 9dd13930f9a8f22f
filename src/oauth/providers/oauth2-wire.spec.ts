import { OAuthProviderError } from '../oauth-provider.error';
import { authorizationCodeGrantForm, lifetimeField, MAX_LIFETIME_SECONDS, refreshGrantForm, stringField, tokenSetFromAnswer } from './oauth2-wire';

describe('oauth2-wire', () => {
  const credentials = { clientId: 'id', clientSecret: 'secret' };
  const issuedAt = new Date('2030-01-01T00:00:00Z');
  const fields = { lifetime: ['expires_in'], apiDomain: 'api_domain' };

  describe(refreshGrantForm.name, () => {
    it('builds the RFC 6749 refresh grant with client_secret_post', () => {
      expect(refreshGrantForm({ refreshToken: 'rt', accountsServer: 'https://a', credentials })).toEqual({
        grant_type: 'refresh_token',
        refresh_token: 'rt',
        client_id: 'id',
        client_secret: 'secret',
      });
    });
  });

  describe(authorizationCodeGrantForm.name, () => {
    it('builds the RFC 6749 authorization code grant with client_secret_post', () => {
      expect(authorizationCodeGrantForm({ code: 'c', redirectUri: 'https://r/cb', accountsServer: 'https://a', credentials })).toEqual({
        grant_type: 'authorization_code',
        code: 'c',
        redirect_uri: 'https://r/cb',
        client_id: 'id',
        client_secret: 'secret',
      });
    });
  });

  describe(tokenSetFromAnswer.name, () => {
    it('reads the access token expiry, a rotated refresh token with its expiry, and the scope', () => {
      const body = { access_token: 'at', expires_in: 3600, refresh_token: 'rt2', refresh_token_expires_in: 86_400, scope: 'a b' };

      expect(tokenSetFromAnswer(body, issuedAt, fields)).toEqual({
        accessToken: 'at',
        accessTokenExpiresAt: new Date('2030-01-01T01:00:00Z'),
        refreshToken: 'rt2',
        refreshTokenExpiresAt: new Date('2030-01-02T00:00:00Z'),
        scope: 'a b',
      });
    });

    it('leaves out what the answer does not carry, and an unknown lifetime is null', () => {
      expect(tokenSetFromAnswer({ access_token: 'at' }, issuedAt, fields)).toEqual({ accessToken: 'at', accessTokenExpiresAt: null });
    });

    it('ignores an empty refresh token and an empty scope', () => {
      expect(tokenSetFromAnswer({ access_token: 'at', expires_in: 60, refresh_token: '', scope: '' }, issuedAt, fields)).toEqual({
        accessToken: 'at',
        accessTokenExpiresAt: new Date('2030-01-01T00:01:00Z'),
      });
    });

    it('reads the first lifetime field present, in the order given', () => {
      const body = { access_token: 'at', expires_in_sec: 60, expires_in: 3_600_000 };

      const tokens = tokenSetFromAnswer(body, issuedAt, { lifetime: ['expires_in_sec', 'expires_in'] });

      expect(tokens).toMatchObject({ accessTokenExpiresAt: new Date('2030-01-01T00:01:00Z') });
    });

    it('clamps a lifetime of decades to the longest one stored', () => {
      const tokens = tokenSetFromAnswer({ access_token: 'at', expires_in: 2 ** 31 - 1 }, issuedAt, fields);

      expect(tokens).toMatchObject({ accessTokenExpiresAt: new Date(issuedAt.getTime() + MAX_LIFETIME_SECONDS * 1000) });
    });

    it.each([
      ['a NUL byte in the refresh token', { refresh_token: 'rt\u0000x' }, 'refresh_token contains control or invisible characters'],
      ['a NUL byte in the access token', { access_token: 'at\u0000' }, 'access_token contains control or invisible characters'],
      ['a NUL byte in the scope', { scope: 'a\u0000b' }, 'scope contains control or invisible characters'],
      ['a zero-width space in the api domain', { api_domain: 'https://api\u200b.example' }, 'api_domain contains control or invisible characters'],
      ['a lone surrogate in the scope', { scope: 'a\ud800' }, 'scope contains control or invisible characters'],
      ['an api domain longer than its column', { api_domain: `https://${'a'.repeat(300)}` }, 'api_domain is longer than 255 characters'],
      ['an expires_in of 1e13 seconds', { expires_in: 1e13 }, 'expires_in of 10000000000000 seconds is out of range'],
      ['an expires_in of 1e16 seconds', { expires_in: 1e16 }, 'expires_in of 10000000000000000 seconds is out of range'],
      ['an infinite expires_in', { expires_in: '1e400' }, 'expires_in of Infinity seconds is out of range'],
      [
        'a refresh_token_expires_in of 1e13 seconds',
        { refresh_token_expires_in: 1e13 },
        'refresh_token_expires_in of 10000000000000 seconds is out of range',
      ],
    ])('answers a malformed response naming the field for %s', (_name, fault, reason) => {
      const answer = tokenSetFromAnswer({ access_token: 'at', expires_in: 3600, ...fault }, issuedAt, fields);

      expect(answer).toBeInstanceOf(OAuthProviderError);
      expect((answer as OAuthProviderError).isTransient).toBe(true);
      expect((answer as OAuthProviderError).message).toBe(`malformed response: ${reason}`);
    });
  });

  describe(stringField.name, () => {
    it('reads a non-empty string field', () => {
      expect(stringField({ error: 'invalid_grant' }, 'error')).toBe('invalid_grant');
    });

    it.each([
      ['an empty string', { error: '' }],
      ['a number', { error: 5 }],
      ['a missing field', {}],
      ['a null body', null],
      ['a string body', 'error'],
      ['an undefined body', undefined],
    ])('gives undefined for %s', (_name, body) => {
      expect(stringField(body, 'error')).toBeUndefined();
    });

    it('reads fields of arrays and other objects only by own key', () => {
      expect(stringField(['x'], '0')).toBe('x');
    });
  });

  describe(lifetimeField.name, () => {
    it.each([
      ['a number', 3600, 3600],
      ['a numeric string', '3600', 3600],
      ['a padded numeric string', ' 90 ', 90],
      ['a fraction', 0.5, 0.5],
      ['a lifetime of decades, clamped', 2 ** 31, MAX_LIFETIME_SECONDS],
    ])('reads %s', (_name, value, expected) => {
      expect(lifetimeField({ expires_in: value }, 'expires_in')).toBe(expected);
    });

    it.each([
      ['zero', 0],
      ['a negative number', -5],
      ['an empty string', ''],
      ['a blank string', '   '],
      ['a non-numeric string', 'soon'],
      ['NaN', Number.NaN],
      ['a boolean', true],
      ['null', null],
    ])('gives undefined for %s', (_name, value) => {
      expect(lifetimeField({ expires_in: value }, 'expires_in')).toBeUndefined();
    });

    it.each([
      ['a null body', null],
      ['a string body', '3600'],
      ['a number body', 3600],
    ])('gives undefined for %s', (_name, body) => {
      expect(lifetimeField(body, 'expires_in')).toBeUndefined();
    });

    it.each([
      ['infinity', Infinity],
      ['1e13', 1e13],
      ['just beyond 2^31', 2 ** 31 + 1],
    ])('refuses %s as out of range', (_name, value) => {
      expect(() => lifetimeField({ expires_in: value }, 'expires_in')).toThrow(OAuthProviderError);
    });
  });
});
