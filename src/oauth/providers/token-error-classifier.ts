import { assertNever } from '../../common/assert-never';
import { OAuthProviderError, OAuthProviderErrorCode } from '../oauth-provider.error';
import { describeProviderError } from './http-token-client';
import { stringField } from './oauth2-wire';
import { ErrorRule } from './presets/provider-preset';

const { DeadGrant, Configuration, Transient } = OAuthProviderErrorCode;

// What RFC 6749 §5.2 says, after a preset had its say.
const RFC6749_RULES: ErrorRule[] = [
  { verdict: DeadGrant, error: ['invalid_grant'], reason: 'the grant is invalid, expired or revoked' },
  { verdict: Configuration, error: ['invalid_client', 'unauthorized_client'], reason: 'the client is unknown or not allowed this grant' },
];

/**
 * Reads a token endpoint's error answer through a provider's error table. The
 * message names the provider and the reason, never what we sent.
 */
export function classifyTokenError(body: unknown, title: string, rules: readonly ErrorRule[]): OAuthProviderError {
  const detail = describeProviderError(body);
  const rule = [...rules, ...RFC6749_RULES].find((candidate) => matches(candidate, body));
  if (!rule) {
    if (stringField(body, 'error') ?? stringField(body, 'status')) {
      return new OAuthProviderError(Transient, `${title} answered an unrecognised error (${detail})`);
    }
    return new OAuthProviderError(Transient, 'malformed response: no access_token and no error');
  }
  switch (rule.verdict) {
    case DeadGrant:
      return new OAuthProviderError(DeadGrant, `${title} rejected the grant (${detail}): ${rule.reason}; the user must reconnect`);
    case Configuration:
      return new OAuthProviderError(
        Configuration,
        `${title} rejected the OAuth client (${detail}); check the OAuth app credentials (client id and secret): ${rule.reason}`,
      );
    case Transient:
      return new OAuthProviderError(Transient, `${title} ${rule.reason} (${detail})`);
    default:
      return assertNever(rule.verdict);
  }
}

function matches(rule: ErrorRule, body: unknown): boolean {
  if (rule.error && !rule.error.includes(stringField(body, 'error') ?? '')) return false;
  for (const [field, accepted] of Object.entries(rule.fields ?? {})) {
    if (!accepted.includes(stringField(body, field) ?? '')) return false;
  }
  if (rule.description && !rule.description.test(stringField(body, 'error_description') ?? stringField(body, 'message') ?? '')) return false;
  return Boolean(rule.error || rule.fields || rule.description);
}
