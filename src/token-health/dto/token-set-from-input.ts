import { TokenSetInput } from '../../oauth/stored-token';
import { optionalDate, requireId, requireToken } from './input-rules';
import { RegisterOAuthTokenInput } from './register-oauth-token.input';

/** The one validation of an imported token set, for every surface that registers one. */
export function tokenSetFromInput(input: RegisterOAuthTokenInput): TokenSetInput {
  return {
    clientId: requireId('clientId', input.clientId),
    provider: requireId('provider', input.provider),
    refreshToken: requireToken('refreshToken', input.refreshToken)!,
    accessToken: requireToken('accessToken', input.accessToken, true) ?? null,
    accessTokenExpiresAt: optionalDate('accessTokenExpiresAt', input.accessTokenExpiresAt),
    accountsServer: input.accountsServer ?? null,
  };
}
