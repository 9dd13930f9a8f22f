import { assertNever } from '../../common/assert-never';
import { OAuthProviderError, OAuthProviderErrorCode } from '../oauth-provider.error';
import { describeProviderError } from './http-token-client';
import { stringField } from './oauth2-wire';
import { ErrorRule } from './presets/provider-preset';

const { DeadGrant, Configuration, Transient, Throttled } = OAuthProviderErrorCode;

// What RFC 6749 §5.2 says, after a preset had its say.
const RFC6749_RULES: ErrorRule[] = [
  { verdict: DeadGrant, error: ['invalid_grant'], reason: 'the grant is invalid, expired or revoked' },
  { verdict: Configuration, error: ['invalid_client', 'unauthorized_client'], reason: 'the client is unknown or not allowed this grant' },
];

/**
 * Reads a token endpoint's error answer through a provider's error table. The
 * message names the provider and the reason, never what we sent.
 */
export function classifyTokenError(answer: unknown, title: string, rules: readonly ErrorRule[]): OAuthProviderError {
  const body = flattenErrorShape(answer);
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
    case Throttled:
      return new OAuthProviderError(Throttled, `${title} ${rule.reason} (${detail})`);
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

// Google's API-style errors nest the reason ({"error":{"errors":[{"reason":…}]}}), Salesforce's REST
// errors come as an array ([{"errorCode":…,"message":…}]): both are read as a flat {error, error_description}.
function flattenErrorShape(body: unknown): unknown {
  const first: unknown = Array.isArray(body) ? body[0] : body;
  if (typeof first !== 'object' || first === null) return first;
  const record = first as Record<string, unknown>;
  if (typeof record.errorCode === 'string') return { ...record, error: record.errorCode, error_description: record.message };
  const nested = record.error;
  if (typeof nested !== 'object' || nested === null) return record;
  const inner = nested as { errors?: { reason?: unknown; message?: unknown }[]; status?: unknown; message?: unknown };
  const reason = inner.errors?.[0]?.reason ?? inner.status;
  return { ...record, error: typeof reason === 'string' ? reason : undefined, error_description: inner.errors?.[0]?.message ?? inner.message };
}
