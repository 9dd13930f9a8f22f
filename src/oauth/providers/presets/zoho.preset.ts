import { OAuthProviderErrorCode } from '../../oauth-provider.error';
import { ProviderPreset } from './provider-preset';

// Zoho answers errors with HTTP 200 as often as with 400 and serves every data centre
// from its own accounts server, so it keeps a dedicated adapter (ZohoProvider); its
// endpoints hang off the token's accounts server (ZOHO_ACCOUNTS_URL and the allowlist).
export const ZOHO_PRESET: ProviderPreset = {
  name: 'zoho',
  title: 'Zoho',
  adapter: 'zoho',
  authorizeUrl: 'https://accounts.zoho.com/oauth/v2/auth',
  tokenUrl: 'https://accounts.zoho.com/oauth/v2/token',
  revokeUrl: 'https://accounts.zoho.com/oauth/v2/token/revoke',
  defaultScopes: ['ZohoCRM.modules.ALL', 'ZohoCalendar.calendar.ALL'],
  scopeSeparator: ',',
  // offline + consent make Zoho issue a refresh token on every connect, not only the first one.
  authorizeParams: { access_type: 'offline', prompt: 'consent' },
  clientAuth: 'client_secret_post',
  // "10 access tokens can be generated in a span of 10 minutes" per refresh token (Zoho OAuth docs).
  tokenRequestLimit: { requests: 10, perMinutes: 10 },
  errorRules: [
    // invalid_code is Zoho's answer for a revoked or deleted refresh token (and for a used authorization code).
    { verdict: OAuthProviderErrorCode.DeadGrant, error: ['invalid_code', 'invalid_grant'], reason: 'the refresh token was revoked or deleted' },
    {
      verdict: OAuthProviderErrorCode.Configuration,
      error: ['invalid_client', 'invalid_client_secret'],
      reason: "the OAuth app must belong to this accounts server's data centre",
    },
    // Zoho throttles with this "error" value (HTTP 200 or 400) rather than with HTTP 429.
    { verdict: OAuthProviderErrorCode.Throttled, error: ['Access Denied'], reason: 'is throttling token requests' },
  ],
};
