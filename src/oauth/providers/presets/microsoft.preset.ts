import { OAuthProviderErrorCode } from '../../oauth-provider.error';
import { ProviderPreset } from './provider-preset';

// Microsoft puts the reason into error_description as an AADSTS code ("AADSTS700082: …").
const DEAD_AADSTS = /\bAADSTS(70000|70008|700082|700084|50173|65001|50076|50079)\b/;
const TRANSIENT_AADSTS = /\bAADSTS(50196|90033)\b/;

export const MICROSOFT_PRESET: ProviderPreset = {
  name: 'microsoft',
  title: 'Microsoft',
  adapter: 'rfc6749',
  authorizeUrl: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize',
  tokenUrl: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token',
  // The v2.0 endpoint has no RFC 7009 revocation; sessions are revoked through Microsoft Graph.
  defaultTenant: 'common',
  defaultScopes: ['openid', 'email', 'User.Read'],
  requiredScopes: ['offline_access'],
  scopeSeparator: ' ',
  authorizeParams: {},
  clientAuth: 'client_secret_post',
  errorRules: [
    { verdict: OAuthProviderErrorCode.Transient, error: ['temporarily_unavailable'], reason: 'is temporarily unavailable' },
    { verdict: OAuthProviderErrorCode.Transient, description: TRANSIENT_AADSTS, reason: 'asked to retry later' },
    {
      verdict: OAuthProviderErrorCode.DeadGrant,
      description: DEAD_AADSTS,
      reason: 'the refresh token expired, was revoked, or needs the user to sign in or consent again',
    },
    {
      verdict: OAuthProviderErrorCode.DeadGrant,
      error: ['interaction_required', 'consent_required'],
      reason: 'the user must sign in or consent again',
    },
  ],
};
