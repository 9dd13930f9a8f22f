import { OAuthProviderError, OAuthProviderErrorCode } from './oauth-provider.error';
import { CONFIGURATION_ERROR_PREFIX, NO_REFRESH_TOKEN_ERROR, verdictForFailure as verdictForRefreshFailure } from './token-status.policy';
import { TokenStatus } from './token-status';

describe('verdictForFailure', () => {
  const providerError = (code: OAuthProviderErrorCode) => new OAuthProviderError(code, 'invalid_code from Zoho');

  it('marks a dead grant invalid, quoting the provider', () => {
    expect(verdictForRefreshFailure(providerError(OAuthProviderErrorCode.DeadGrant))).toEqual({
      status: TokenStatus.Invalid,
      error: 'The provider rejected the refresh token: invalid_code from Zoho',
    });
  });

  it('marks a configuration problem refresh_failed with the prefix alerts recognise', () => {
    expect(verdictForRefreshFailure(providerError(OAuthProviderErrorCode.Configuration))).toEqual({
      status: TokenStatus.RefreshFailed,
      error: `${CONFIGURATION_ERROR_PREFIX}: invalid_code from Zoho`,
    });
    expect(CONFIGURATION_ERROR_PREFIX).toBe('OAuth app configuration problem');
  });

  it('marks a transient failure refresh_failed, saying it will be retried', () => {
    expect(verdictForRefreshFailure(providerError(OAuthProviderErrorCode.Transient))).toEqual({
      status: TokenStatus.RefreshFailed,
      error: 'Refresh failed, will retry: invalid_code from Zoho',
    });
  });

  it('marks an unexpected error refresh_failed, naming it and its message cut to 200 characters', () => {
    const error = new TypeError('x'.repeat(300));

    expect(verdictForRefreshFailure(error)).toEqual({
      status: TokenStatus.RefreshFailed,
      error: `Unexpected error during refresh: TypeError: ${'x'.repeat(200)}`,
    });
  });

  it('names an unexpected error without a message by its name only', () => {
    expect(verdictForRefreshFailure(new RangeError()).error).toBe('Unexpected error during refresh: RangeError');
  });

  it('describes a thrown non-error as unknown', () => {
    expect(verdictForRefreshFailure('a string')).toEqual({ status: TokenStatus.RefreshFailed, error: 'Unexpected error during refresh: unknown error' });
  });

  it('says what to do when no refresh token is stored', () => {
    expect(NO_REFRESH_TOKEN_ERROR).toBe('No refresh token is stored: the connection must be re-authorized');
  });
});
