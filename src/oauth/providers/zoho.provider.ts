import { OAuthProviderError } from '../oauth-provider.error';
import { HttpTokenClient } from './http-token-client';
import { AuthorizeUrlRequest, CodeExchangeRequest, OAuthProvider, ProviderTokenSet, RefreshRequest, RevokeRequest } from './oauth-provider';
import { ZOHO_PRESET } from './presets/zoho.preset';
import { classifyTokenError } from './token-error-classifier';
import { AnswerFields, authorizationCodeGrantForm, refreshGrantForm, stringField, tokenSetFromAnswer } from './oauth2-wire';

const TOKEN_PATH = '/oauth/v2/token';
// Legacy answers put milliseconds in expires_in and seconds in expires_in_sec.
const ANSWER_FIELDS: AnswerFields = { lifetime: ['expires_in_sec', 'expires_in'], apiDomain: 'api_domain' };

/**
 * Zoho Accounts (every data centre). Zoho reports errors with HTTP 200 as often as with 400,
 * so answers are judged by their body, never by their status.
 */
export class ZohoProvider extends OAuthProvider {
  constructor(
    private readonly client: HttpTokenClient,
    private readonly now: () => Date = () => new Date(),
    readonly name = 'zoho',
  ) {
    super();
  }

  refresh(request: RefreshRequest): Promise<ProviderTokenSet> {
    return this.requestToken(request.accountsServer, refreshGrantForm(request));
  }

  exchangeCode(request: CodeExchangeRequest): Promise<ProviderTokenSet> {
    return this.requestToken(request.accountsServer, authorizationCodeGrantForm(request));
  }

  authorizeUrl({ accountsServer, clientId, redirectUri, scopes, state }: AuthorizeUrlRequest): string {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      scope: scopes.join(ZOHO_PRESET.scopeSeparator),
      redirect_uri: redirectUri,
      ...ZOHO_PRESET.authorizeParams,
      state,
    });
    return `${withoutTrailingSlash(accountsServer)}/oauth/v2/auth?${query.toString()}`;
  }

  async revoke({ refreshToken, accountsServer }: RevokeRequest): Promise<void> {
    const query = new URLSearchParams({ token: refreshToken });
    try {
      await this.client.postForm(`${withoutTrailingSlash(accountsServer)}${TOKEN_PATH}/revoke?${query.toString()}`, {}, () => undefined);
    } catch {
      // Best effort by contract: the grant is forgotten locally either way and the caller logs the attempt.
    }
  }

  private requestToken(accountsServer: string, form: Record<string, string>): Promise<ProviderTokenSet> {
    return this.client.postForm(`${withoutTrailingSlash(accountsServer)}${TOKEN_PATH}`, form, (_status, body) => this.readAnswer(body));
  }

  private readAnswer(body: unknown): ProviderTokenSet | OAuthProviderError {
    if (!stringField(body, 'access_token')) return classifyTokenError(body, ZOHO_PRESET.title, ZOHO_PRESET.errorRules);
    return tokenSetFromAnswer(body, this.now(), ANSWER_FIELDS);
  }
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
