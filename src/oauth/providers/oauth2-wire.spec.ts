import { authorizationCodeGrantForm, refreshGrantForm, secondsField, stringField, tokenSetFromAnswer } from './oauth2-wire';

describe('oauth2-wire', () => {
  const credentials = { clientId: 'id', clientSecret: 'secret' };
  const issuedAt = new Date('2030-01-01T00:00:00Z');

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
      const body = { refresh_token: 'rt2', refresh_token_expires_in: 86_400, scope: 'a b' };

      expect(tokenSetFromAnswer(body, 'at', issuedAt, 3600)).toEqual({
        accessToken: 'at',
        accessTokenExpiresAt: new Date('2030-01-01T01:00:00Z'),
        refreshToken: 'rt2',
        refreshTokenExpiresAt: new Date('2030-01-02T00:00:00Z'),
        scope: 'a b',
      });
    });

    it('leaves out what the answer does not carry, and an unknown lifetime is null', () => {
      expect(tokenSetFromAnswer({ access_token: 'at' }, 'at', issuedAt, undefined)).toEqual({ accessToken: 'at', accessTokenExpiresAt: null });
    });

    it('ignores an empty refresh token and an empty scope', () => {
      expect(tokenSetFromAnswer({ refresh_token: '', scope: '' }, 'at', issuedAt, 60)).toEqual({
        accessToken: 'at',
        accessTokenExpiresAt: new Date('2030-01-01T00:01:00Z'),
      });
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

  describe(secondsField.name, () => {
    it.each([
      ['a number', 3600, 3600],
      ['a numeric string', '3600', 3600],
      ['a padded numeric string', ' 90 ', 90],
      ['a fraction', 0.5, 0.5],
    ])('reads %s', (_name, value, expected) => {
      expect(secondsField({ expires_in: value }, 'expires_in')).toBe(expected);
    });

    it.each([
      ['zero', 0],
      ['a negative number', -5],
      ['an empty string', ''],
      ['a blank string', '   '],
      ['a non-numeric string', 'soon'],
      ['infinity', Infinity],
      ['NaN', Number.NaN],
      ['a boolean', true],
      ['null', null],
    ])('gives undefined for %s', (_name, value) => {
      expect(secondsField({ expires_in: value }, 'expires_in')).toBeUndefined();
    });

    it.each([
      ['a null body', null],
      ['a string body', '3600'],
      ['a number body', 3600],
    ])('gives undefined for %s', (_name, body) => {
      expect(secondsField(body, 'expires_in')).toBeUndefined();
    });
  });
});
