import { OAuthProviderErrorCode } from '../../oauth-provider.error';
import { ProviderPreset } from './provider-preset';

export const GOOGLE_PRESET: ProviderPreset = {
  name: 'google',
  title: 'Google',
  adapter: 'rfc6749',
  authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  revokeUrl: 'https://oauth2.googleapis.com/revoke',
  defaultScopes: ['openid', 'email'],
  scopeSeparator: ' ',
  // Without both, Google issues a refresh token only on the very first consent.
  authorizeParams: { access_type: 'offline', prompt: 'consent' },
  clientAuth: 'client_secret_post',
  errorRules: [
    {
      verdict: OAuthProviderErrorCode.DeadGrant,
      error: ['invalid_grant'],
      reason: 'revoked by the user, expired (6 months unused, or 7 days for an app in Testing mode), or ended by a password change',
    },
    { verdict: OAuthProviderErrorCode.Configuration, error: ['deleted_client'], reason: 'the OAuth client was deleted' },
    // HTTP 403 with a rate-limit reason, per user or per project.
    {
      verdict: OAuthProviderErrorCode.Throttled,
      error: ['rateLimitExceeded', 'userRateLimitExceeded', 'RESOURCE_EXHAUSTED', 'rate_limit_exceeded'],
      reason: 'is rate-limiting token requests',
    },
  ],
};
