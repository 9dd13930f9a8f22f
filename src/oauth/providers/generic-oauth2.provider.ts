import { OAuthClientCredentials } from '../oauth-credentials';
import { OAuthProviderError } from '../oauth-provider.error';
import { HttpTokenClient, PostFormExtras } from './http-token-client';
import { AuthorizeUrlRequest, CodeExchangeRequest, OAuthProvider, ProviderTokenSet, RefreshRequest, RevokeRequest } from './oauth-provider';
import { AnswerFields, authorizationCodeGrantForm, refreshGrantForm, stringField, tokenSetFromAnswer } from './oauth2-wire';
import { ProviderDefinition } from './provider-definition';
import { classifyTokenError } from './token-error-classifier';

/**
 * Any provider that follows RFC 6749: errors arrive with an `error` code (or whatever
 * the definition's error table reads), refresh tokens may rotate. Everything that
 * differs between providers comes from the definition, never from a branch on the name.
 * Endpoints are absolute, so the request's accounts server is not used.
 */
export class GenericOAuth2Provider extends OAuthProvider {
  readonly name: string;
  private readonly answerFields: AnswerFields;

  constructor(
    private readonly definition: ProviderDefinition,
    private readonly client: HttpTokenClient,
    private readonly now: () => Date = () => new Date(),
  ) {
    super();
    this.name = definition.name;
    this.answerFields = { lifetime: ['expires_in'], ...(definition.apiDomainField && { apiDomain: definition.apiDomainField }) };
  }

  refresh(request: RefreshRequest): Promise<ProviderTokenSet> {
    return this.requestToken(refreshGrantForm(request), request.credentials);
  }

  exchangeCode(request: CodeExchangeRequest): Promise<ProviderTokenSet> {
    return this.requestToken(authorizationCodeGrantForm(request), request.credentials);
  }

  authorizeUrl({ clientId, redirectUri, scopes, state }: AuthorizeUrlRequest): string {
    const { authorizeUrl, requiredScopes, scopeSeparator, authorizeParams } = this.definition;
    const url = new URL(authorizeUrl);
    const query = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: [...new Set([...scopes, ...requiredScopes])].join(scopeSeparator),
      ...authorizeParams,
      state,
    };
    for (const [key, value] of Object.entries(query)) {
      if (value !== '') url.searchParams.set(key, value);
    }
    return url.toString();
  }

  async revoke({ refreshToken, credentials }: RevokeRequest): Promise<void> {
    if (!this.definition.revokeUrl) return;
    const form = { token: refreshToken, token_type_hint: 'refresh_token' };
    try {
      const { form: authenticated, extras } = this.authenticate(form, credentials);
      await this.client.postForm(this.definition.revokeUrl, authenticated, () => undefined, extras);
    } catch {
      // Best effort by contract: the grant is forgotten locally either way and the caller logs the attempt.
    }
  }

  private requestToken(grant: Record<string, string>, credentials: OAuthClientCredentials): Promise<ProviderTokenSet> {
    const { form, extras } = this.authenticate(grant, credentials);
    return this.client.postForm(this.definition.tokenUrl, form, (_status, body) => this.readAnswer(body), extras);
  }

  // The grant forms carry client_secret_post credentials; basic moves them into the header.
  private authenticate(grant: Record<string, string>, credentials: OAuthClientCredentials): { form: Record<string, string>; extras: PostFormExtras } {
    if (this.definition.clientAuth === 'client_secret_post') {
      return { form: { ...grant, client_id: credentials.clientId, client_secret: credentials.clientSecret }, extras: {} };
    }
    const { client_id: _id, client_secret: _secret, ...form } = grant;
    const basic = Buffer.from(`${formEncode(credentials.clientId)}:${formEncode(credentials.clientSecret)}`).toString('base64');
    return {
      form,
      extras: { headers: { authorization: `Basic ${basic}` }, secrets: [credentials.clientSecret, formEncode(credentials.clientSecret), basic] },
    };
  }

  private readAnswer(body: unknown): ProviderTokenSet | OAuthProviderError {
    if (!stringField(body, 'access_token')) return classifyTokenError(body, this.definition.title, this.definition.errorRules);
    // A refresh token in the answer means the provider rotated it; the old one may already be dead.
    return tokenSetFromAnswer(body, this.now(), this.answerFields);
  }
}

// RFC 6749 §2.3.1: id and secret are form-encoded before they are joined for Basic.
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
