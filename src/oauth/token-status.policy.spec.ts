import { OAuthProviderError, OAuthProviderErrorCode } from './oauth-provider.error';
import { OAuthTokenError } from './oauth-token.errors';
import {
  CONFIGURATION_ERROR_PREFIX,
  decideCheck,
  failureVerdictFor,
  expiringMessage,
  HAND_OUT_MARGIN_MS,
  isDue,
  isWorking,
  needsRefresh,
  needsRefreshBeforeHandOut,
  NO_REFRESH_TOKEN_ERROR,
  REFRESH_TOKEN_EXPIRED_ERROR,
  statusAfterRefresh,
  TokenFacts,
  UNREADABLE_TOKEN_ERROR,
  verdictForFailure as verdictForRefreshFailure,
  verdictWithoutCall,
} from './token-status.policy';
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
    expect(verdictForRefreshFailure('a string')).toEqual({
      status: TokenStatus.RefreshFailed,
      error: 'Unexpected error during refresh: unknown error',
    });
  });

  it('says what to do when no refresh token is stored', () => {
    expect(NO_REFRESH_TOKEN_ERROR).toBe('No refresh token is stored: the connection must be re-authorized');
  });
});

const NOW = new Date('2026-06-01T12:00:00.000Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
const policy = { expiryWindowMinutes: 60, minRefreshIntervalMinutes: 10, refreshExpiryWarningDays: 7, leaseSeconds: 30, deadGrantRetryHours: 24 };
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const facts = (overrides: Partial<TokenFacts> = {}): TokenFacts => ({
  status: TokenStatus.Healthy,
  hasRefreshToken: true,
  hasAccessToken: true,
  tokenExpiry: at(30 * MINUTE),
  lastRefreshedAt: null,
  lastRefreshAttemptAt: null,
  refreshTokenExpiresAt: null,
  ...overrides,
});

describe(isDue.name, () => {
  it('is due when no access token is stored', () => {
    expect(isDue(facts({ hasAccessToken: false, tokenExpiry: at(DAY) }), policy, NOW)).toBe(true);
  });

  it('is not due when a stored access token has no known expiry', () => {
    expect(isDue(facts({ tokenExpiry: null }), policy, NOW)).toBe(false);
  });

  it('is due when the access token expires exactly at the end of the window', () => {
    expect(isDue(facts({ tokenExpiry: at(60 * MINUTE) }), policy, NOW)).toBe(true);
  });

  it('is not due when the access token expires one millisecond after the window', () => {
    expect(isDue(facts({ tokenExpiry: at(60 * MINUTE + 1) }), policy, NOW)).toBe(false);
  });
});

describe(needsRefresh.name, () => {
  it('needs a refresh when due and never refreshed', () => {
    expect(needsRefresh(facts(), policy, NOW)).toBe(true);
  });

  it('needs no refresh without a refresh token, however due', () => {
    expect(needsRefresh(facts({ hasRefreshToken: false, hasAccessToken: false }), policy, NOW)).toBe(false);
  });

  it('needs no refresh when not due', () => {
    expect(needsRefresh(facts({ tokenExpiry: at(DAY) }), policy, NOW)).toBe(false);
  });

  it('needs no refresh when refreshed less than the minimum interval ago', () => {
    expect(needsRefresh(facts({ lastRefreshedAt: at(-10 * MINUTE + 1) }), policy, NOW)).toBe(false);
  });

  it('needs a refresh when refreshed exactly the minimum interval ago', () => {
    expect(needsRefresh(facts({ lastRefreshedAt: at(-10 * MINUTE) }), policy, NOW)).toBe(true);
  });
});

describe(decideCheck.name, () => {
  it('records invalid, without a call, when no refresh token is stored', () => {
    expect(decideCheck(facts({ hasRefreshToken: false }), policy, NOW)).toEqual({
      action: 'record',
      verdict: { status: TokenStatus.Invalid, error: NO_REFRESH_TOKEN_ERROR },
    });
  });

  it('records the verdict by refresh-token expiry, without a call, when no refresh is needed', () => {
    expect(decideCheck(facts({ tokenExpiry: at(DAY), refreshTokenExpiresAt: at(-1) }), policy, NOW)).toEqual({
      action: 'record',
      verdict: { status: TokenStatus.Invalid, error: REFRESH_TOKEN_EXPIRED_ERROR },
    });
  });

  it('refreshes a due token never attempted', () => {
    expect(decideCheck(facts(), policy, NOW)).toEqual({ action: 'refresh' });
  });

  it('keeps the stored verdict when a refresh was attempted less than the minimum interval ago', () => {
    expect(decideCheck(facts({ lastRefreshAttemptAt: at(-10 * MINUTE + 1) }), policy, NOW)).toEqual({ action: 'keep' });
  });

  it('refreshes when the last attempt was exactly the minimum interval ago', () => {
    expect(decideCheck(facts({ lastRefreshAttemptAt: at(-10 * MINUTE) }), policy, NOW)).toEqual({ action: 'refresh' });
  });
});

describe(verdictWithoutCall.name, () => {
  it('is invalid when the refresh token expired exactly now', () => {
    expect(verdictWithoutCall(NOW, policy, NOW)).toEqual({ status: TokenStatus.Invalid, error: REFRESH_TOKEN_EXPIRED_ERROR });
  });

  it('is expiring when the refresh token expires one millisecond from now', () => {
    expect(verdictWithoutCall(at(1), policy, NOW).status).toBe(TokenStatus.Expiring);
  });

  it('is healthy when the refresh token has no known expiry', () => {
    expect(verdictWithoutCall(null, policy, NOW)).toEqual({ status: TokenStatus.Healthy, error: null });
  });

  it('says what to do once the refresh token has expired', () => {
    expect(REFRESH_TOKEN_EXPIRED_ERROR).toBe('The refresh token has expired: the connection must be re-authorized');
  });
});

describe(statusAfterRefresh.name, () => {
  it('is expiring, naming the day, when the refresh token expires exactly at the end of the warning period', () => {
    expect(statusAfterRefresh(at(7 * DAY), policy, NOW)).toEqual({
      status: TokenStatus.Expiring,
      error: 'The refresh token expires on 2026-06-08 (UTC): re-authorize before then',
    });
  });

  it('is healthy when the refresh token expires one millisecond after the warning period', () => {
    expect(statusAfterRefresh(at(7 * DAY + 1), policy, NOW)).toEqual({ status: TokenStatus.Healthy, error: null });
  });

  it('is healthy when the refresh token has no known expiry', () => {
    expect(statusAfterRefresh(undefined, policy, NOW)).toEqual({ status: TokenStatus.Healthy, error: null });
  });
});

describe(expiringMessage.name, () => {
  it('names the UTC day of the expiry', () => {
    expect(expiringMessage(new Date('2026-12-31T23:30:00-02:00'))).toBe('The refresh token expires on 2027-01-01 (UTC): re-authorize before then');
  });
});

describe(needsRefreshBeforeHandOut.name, () => {
  it('refreshes when no access token is stored', () => {
    expect(needsRefreshBeforeHandOut({ hasAccessToken: false, tokenExpiry: at(DAY) }, NOW)).toBe(true);
  });

  it('hands out an access token of unknown expiry as it is', () => {
    expect(needsRefreshBeforeHandOut({ hasAccessToken: true, tokenExpiry: null }, NOW)).toBe(false);
  });

  it('refreshes an access token expiring exactly five minutes from now', () => {
    expect(HAND_OUT_MARGIN_MS).toBe(5 * MINUTE);
    expect(needsRefreshBeforeHandOut({ hasAccessToken: true, tokenExpiry: at(5 * MINUTE) }, NOW)).toBe(true);
  });

  it('hands out an access token expiring one millisecond after the margin', () => {
    expect(needsRefreshBeforeHandOut({ hasAccessToken: true, tokenExpiry: at(5 * MINUTE + 1) }, NOW)).toBe(false);
  });
});

describe(isWorking.name, () => {
  it.each([TokenStatus.Healthy, TokenStatus.Expiring])('counts %s as working', (status) => {
    expect(isWorking(status)).toBe(true);
  });

  it.each([TokenStatus.RefreshFailed, TokenStatus.Invalid])('counts %s as not working', (status) => {
    expect(isWorking(status)).toBe(false);
  });
});

describe(`${verdictForRefreshFailure.name} (unreadable tokens)`, () => {
  it('marks a token whose stored value cannot be decrypted refresh_failed, saying how to recover', () => {
    expect(verdictForRefreshFailure(OAuthTokenError.unreadableValue('unknown-key'))).toEqual({
      status: TokenStatus.RefreshFailed,
      error: 'stored token unreadable (re-register or re-connect)',
    });
    expect(UNREADABLE_TOKEN_ERROR).toBe('stored token unreadable (re-register or re-connect)');
  });
});

describe('dead grants', () => {
  const dead = (overrides: Partial<TokenFacts> = {}) => facts({ status: TokenStatus.Invalid, lastRefreshAttemptAt: at(-DAY + MINUTE), ...overrides });

  it('does not ask the provider again within the retry period, due or not', () => {
    expect(decideCheck(dead(), policy, NOW)).toEqual({ action: 'keep' });
  });

  it('asks the provider again once the retry period has passed', () => {
    expect(decideCheck(dead({ lastRefreshAttemptAt: at(-DAY) }), policy, NOW)).toEqual({ action: 'refresh' });
  });

  it('is never called healthy by a check without a provider call', () => {
    expect(decideCheck(dead({ lastRefreshAttemptAt: at(-2 * DAY), tokenExpiry: at(DAY) }), policy, NOW)).toEqual({ action: 'keep' });
  });

  it('is judged by its refresh token expiry once that has passed', () => {
    expect(decideCheck(dead({ tokenExpiry: at(DAY), refreshTokenExpiresAt: at(-1) }), policy, NOW)).toEqual({
      action: 'record',
      verdict: { status: TokenStatus.Invalid, error: REFRESH_TOKEN_EXPIRED_ERROR },
    });
  });

  it('stays invalid with its reason when its retry fails transiently', () => {
    const failure = { status: TokenStatus.RefreshFailed, error: 'Refresh failed, will retry: HTTP 500' };

    expect(failureVerdictFor({ status: TokenStatus.Invalid, error: 'The provider rejected the refresh token' }, failure)).toEqual({
      status: TokenStatus.Invalid,
      error: 'The provider rejected the refresh token',
    });
    expect(failureVerdictFor({ status: TokenStatus.Healthy, error: null }, failure)).toEqual(failure);
  });
});
