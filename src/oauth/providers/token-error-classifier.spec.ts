import { OAuthProviderErrorCode } from '../oauth-provider.error';
import { ErrorRule } from './presets/provider-preset';
import { classifyTokenError } from './token-error-classifier';

const { DeadGrant, Configuration, Transient } = OAuthProviderErrorCode;

describe(classifyTokenError.name, () => {
  const classify = (body: unknown, rules: ErrorRule[] = []) => {
    const error = classifyTokenError(body, 'Acme', rules);
    return { code: error.code, message: error.message };
  };

  describe('RFC 6749 errors', () => {
    it('calls invalid_grant a dead grant, with the reason and what to do', () => {
      expect(classify({ error: 'invalid_grant', error_description: 'revoked' })).toEqual({
        code: DeadGrant,
        message: 'Acme rejected the grant (invalid_grant: revoked): the grant is invalid, expired or revoked; the user must reconnect',
      });
    });

    it.each(['invalid_client', 'unauthorized_client'])('calls %s a configuration problem, naming the credentials', (error) => {
      expect(classify({ error })).toEqual({
        code: Configuration,
        message: `Acme rejected the OAuth client (${error}); check the OAuth app credentials (client id and secret): the client is unknown or not allowed this grant`,
      });
    });

    it('calls any other error transient and unrecognised', () => {
      expect(classify({ error: 'temporarily_unavailable' })).toEqual({
        code: Transient,
        message: 'Acme answered an unrecognised error (temporarily_unavailable)',
      });
    });

    it('calls an answer with only a status field unrecognised too', () => {
      expect(classify({ status: 'BAD_REFRESH_TOKEN' })).toEqual({
        code: Transient,
        message: 'Acme answered an unrecognised error (BAD_REFRESH_TOKEN)',
      });
    });

    it.each([[{}], [null], ['text'], [{ error: '' }]])('calls %j malformed', (body) => {
      expect(classify(body)).toEqual({ code: Transient, message: 'malformed response: no access_token and no error' });
    });
  });

  describe("a provider's own rules", () => {
    it('come before RFC 6749', () => {
      const rules: ErrorRule[] = [{ verdict: Transient, error: ['invalid_grant'], description: /try again/, reason: 'is throttling' }];

      expect(classify({ error: 'invalid_grant', error_description: 'please try again' }, rules)).toEqual({
        code: Transient,
        message: 'Acme is throttling (invalid_grant: please try again)',
      });
      expect(classify({ error: 'invalid_grant', error_description: 'revoked' }, rules).code).toBe(DeadGrant);
    });

    it('match other fields by value', () => {
      const rules: ErrorRule[] = [{ verdict: DeadGrant, fields: { status: ['BAD_REFRESH_TOKEN'] }, reason: 'the refresh token is gone' }];

      expect(classify({ status: 'BAD_REFRESH_TOKEN', message: 'x' }, rules).code).toBe(DeadGrant);
      expect(classify({ status: 'OTHER' }, rules).code).toBe(Transient);
      expect(classify({}, rules).message).toBe('malformed response: no access_token and no error');
    });

    it('match a description in error_description, or else in message', () => {
      const rules: ErrorRule[] = [{ verdict: Configuration, description: /app disabled/, reason: 'the app is disabled' }];

      expect(classify({ error: 'x', error_description: 'the app disabled' }, rules).code).toBe(Configuration);
      expect(classify({ message: 'app disabled by admin', status: 'E' }, rules).code).toBe(Configuration);
      expect(classify({ error: 'x', error_description: 'fine' }, rules).code).toBe(Transient);
      expect(classify({ error: 'x', error_description: 'fine', message: 'app disabled' }, rules).code).toBe(Transient);
    });

    it('need every criterion they name', () => {
      const rules: ErrorRule[] = [{ verdict: DeadGrant, error: ['access_denied'], fields: { status: ['GONE'] }, reason: 'gone' }];

      expect(classify({ error: 'access_denied', status: 'GONE' }, rules).code).toBe(DeadGrant);
      expect(classify({ error: 'access_denied', status: 'OTHER' }, rules).code).toBe(Transient);
      expect(classify({ error: 'other', status: 'GONE' }, rules).code).toBe(Transient);
    });

    it('read a missing error code as empty text', () => {
      const rules: ErrorRule[] = [{ verdict: DeadGrant, error: [''], fields: { status: ['GONE'] }, reason: 'gone' }];

      expect(classify({ status: 'GONE' }, rules).code).toBe(DeadGrant);
    });

    it('read a missing field as empty text', () => {
      const rules: ErrorRule[] = [{ verdict: DeadGrant, error: ['access_denied'], fields: { status: [''] }, reason: 'denied' }];

      expect(classify({ error: 'access_denied' }, rules).code).toBe(DeadGrant);
    });

    it('read a missing description as empty text', () => {
      const rules: ErrorRule[] = [{ verdict: Configuration, error: ['access_denied'], description: /^$/, reason: 'no reason given' }];

      expect(classify({ error: 'access_denied' }, rules).code).toBe(Configuration);
    });

    it('never match when they name no criterion at all', () => {
      expect(classify({ error: 'anything' }, [{ verdict: DeadGrant, reason: 'everything' }]).code).toBe(Transient);
    });
  });
});
