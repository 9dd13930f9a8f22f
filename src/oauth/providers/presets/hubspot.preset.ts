import { OAuthProviderErrorCode } from '../../oauth-provider.error';
import { ProviderPreset } from './provider-preset';

// HubSpot's token endpoint answers errors as {"status": "BAD_…", "message": …}, not with an RFC `error`.
export const HUBSPOT_PRESET: ProviderPreset = {
  name: 'hubspot',
  title: 'HubSpot',
  adapter: 'rfc6749',
  authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
  tokenUrl: 'https://api.hubapi.com/oauth/v1/token',
  // Revocation is DELETE /oauth/v1/refresh-tokens/:token, not RFC 7009; not called.
  defaultScopes: ['oauth'],
  scopeSeparator: ' ',
  authorizeParams: {},
  clientAuth: 'client_secret_post',
  // OAuth apps: 100 requests per 10 seconds per app and account (HubSpot's API usage guidelines).
  refreshBudget: { maxRate: 10 },
  errorRules: [
    {
      verdict: OAuthProviderErrorCode.DeadGrant,
      fields: { status: ['BAD_REFRESH_TOKEN', 'BAD_AUTH_CODE'] },
      reason: 'the refresh token is unknown or revoked (app uninstalled or access removed)',
    },
    {
      verdict: OAuthProviderErrorCode.Configuration,
      fields: { status: ['BAD_CLIENT_ID', 'BAD_CLIENT_SECRET', 'BAD_REDIRECT_URI'] },
      reason: 'HubSpot does not know this app or its redirect URL',
    },
    // Besides HTTP 429, HubSpot names its rate limits in the answer.
    { verdict: OAuthProviderErrorCode.Throttled, fields: { errorType: ['RATE_LIMIT'] }, reason: 'is rate-limiting this app' },
  ],
};
