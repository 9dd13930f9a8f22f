import { OAuthProviderErrorCode } from '../../oauth-provider.error';
import { ProviderPreset } from './provider-preset';

export const SALESFORCE_PRESET: ProviderPreset = {
  name: 'salesforce',
  title: 'Salesforce',
  adapter: 'rfc6749',
  // Sandboxes and My Domain logins point SALESFORCE_*_URL elsewhere.
  authorizeUrl: 'https://login.salesforce.com/services/oauth2/authorize',
  tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
  revokeUrl: 'https://login.salesforce.com/services/oauth2/revoke',
  // refresh_token is the scope that makes Salesforce issue one.
  defaultScopes: ['api', 'refresh_token'],
  scopeSeparator: ' ',
  authorizeParams: { prompt: 'consent' },
  clientAuth: 'client_secret_post',
  apiDomainField: 'instance_url',
  errorRules: [
    // The org refuses this server's address or the hour: a new consent would not help.
    {
      verdict: OAuthProviderErrorCode.Configuration,
      error: ['invalid_grant'],
      description: /ip restricted|invalid login hours/i,
      reason: "the org's IP or login-hours policy refuses this server",
    },
    {
      verdict: OAuthProviderErrorCode.DeadGrant,
      error: ['invalid_grant'],
      description: /expired access\/refresh token|inactive user|inactive organization|authentication failure|hasn't approved this consumer/i,
      reason: 'the refresh token expired or was revoked (5-grant limit, refresh-token policy), or the user or org is inactive',
    },
    // The org's API request limit (REST shape) or the token endpoint's own rate limit.
    { verdict: OAuthProviderErrorCode.Throttled, error: ['REQUEST_LIMIT_EXCEEDED', 'rate_limit_exceeded'], reason: 'is rate-limiting requests' },
  ],
};
