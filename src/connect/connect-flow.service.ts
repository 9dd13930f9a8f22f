import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ClientConfigService } from '../oauth/client-config.service';
import { OAuthClientCredentials } from '../oauth/oauth-credentials';
import { OAuthProviderError } from '../oauth/oauth-provider.error';
import { OAuthProviderRegistry } from '../oauth/oauth-provider.registry';
import { OAuthTokenRepository } from '../oauth/oauth-token.repository';
import { OAuthProvider, ProviderTokenSet } from '../oauth/providers/oauth-provider';
import { TokenEventSource } from '../token-history/token-event-source';
import { TokenHealthEventRepository } from '../token-history/token-health-event.repository';
import { ConnectFlowError, ConnectFlowErrorCode } from './connect-flow.error';
import { ConnectCompletionRepository } from './connect-completion.repository';
import { ConnectTarget, LinkedConnectTarget, OAuthStateStore } from './oauth-state.store';
import { SignedTokenCodec } from './signed-token';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';

/** What the provider's redirect brought to the callback, as plain strings. */
export interface CallbackQuery {
  code?: string;
  state?: string;
  accountsServer?: string;
  error?: string;
}

/**
 * The connect (re-authorize) flow: signed link → provider consent → callback →
 * stored token set. Every check that guards our client secret or the stored
 * token happens before the provider is called or anything is written.
 */
@Injectable()
export class ConnectFlowService {
  private readonly logger = new Logger(ConnectFlowService.name);

  constructor(
    private readonly codec: SignedTokenCodec,
    private readonly states: OAuthStateStore,
    private readonly providers: OAuthProviderRegistry,
    private readonly clientConfig: ClientConfigService,
    private readonly tokens: OAuthTokenRepository,
    @InjectTokenHealthDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly events: TokenHealthEventRepository,
    private readonly completions: ConnectCompletionRepository,
  ) {}

  /** Verifies a connect link and returns the provider's authorize URL, with a fresh single-use state. */
  async startConnect(provider: string, link: string | undefined): Promise<string> {
    const target = this.verifyLink(provider, link);
    if (await this.completions.isSpent(target)) throw spentLink();
    const adapter = this.adapterFor(provider, ConnectFlowErrorCode.InvalidLink);
    const credentials = this.credentialsFor(target);
    const state = await this.states.issue(target);
    return adapter.authorizeUrl({
      accountsServer: this.clientConfig.defaultAccountsServer(provider),
      clientId: credentials.clientId,
      redirectUri: this.redirectUri(provider),
      scopes: this.clientConfig.scopesFor(provider),
      state,
    });
  }

  /** Handles the provider's redirect: verifies it, exchanges the code and stores the token set as healthy. */
  async completeConnect(provider: string, query: CallbackQuery): Promise<ConnectTarget> {
    // The state is burnt first, whatever follows: a callback URL is good for one attempt only.
    const target = await this.states.consume(provider, query.state);
    const adapter = this.adapterFor(provider, ConnectFlowErrorCode.InvalidState);
    if (query.error === 'access_denied') {
      throw new ConnectFlowError(ConnectFlowErrorCode.AccessDenied, `Access was not granted, so the ${provider} connection was not changed.`);
    }
    if (query.error || !query.code) {
      const reason = query.error ? `it reported "${query.error.slice(0, 100)}"` : 'it sent no authorization code';
      throw new ConnectFlowError(ConnectFlowErrorCode.AuthorizationFailed, `The ${provider} sign-in did not complete: ${reason}.`);
    }
    const accountsServer = this.accountsServerFrom(provider, query.accountsServer);
    const credentials = this.credentialsFor(target);
    const tokenSet = await this.exchange(adapter, { code: query.code, accountsServer, credentials, provider });
    // The replace hands back the old refresh token and its accounts server: it must be revoked where it was issued.
    const { previousRefreshToken, previousAccountsServer, previousUnreadable } = await this.dataSource.transaction(async (manager) => {
      await this.events.tagSource(manager, TokenEventSource.Connect);
      // Rolls the store back when another callback from the same link got here first.
      if (!(await this.completions.complete(manager, target))) throw spentLink();
      return this.tokens.upsertTokenSet(
        {
          ...target,
          refreshToken: tokenSet.refreshToken,
          accessToken: tokenSet.accessToken,
          accessTokenExpiresAt: tokenSet.accessTokenExpiresAt,
          refreshTokenExpiresAt: tokenSet.refreshTokenExpiresAt ?? null,
          accountsServer,
          apiDomain: tokenSet.apiDomain ?? null,
          scope: tokenSet.scope ?? null,
          refreshedAt: new Date(),
        },
        manager,
      );
    });
    this.logger.log(`Connected ${target.clientId}/${provider} via ${accountsServer}`);
    if (previousUnreadable) {
      this.logger.warn(`The replaced ${provider} token of ${target.clientId} was unreadable (${previousUnreadable}), so it was not revoked`);
    }

    if (previousRefreshToken && previousRefreshToken !== tokenSet.refreshToken) {
      await this.revokeQuietly(adapter, target, previousRefreshToken, previousAccountsServer, credentials);
    }
    return target;
  }

  private verifyLink(provider: string, link: string | undefined): LinkedConnectTarget {
    try {
      const claims = this.codec.verify('connect-link', link ?? '');
      if (claims.provider === provider) return { clientId: claims.clientId, provider, linkIssuedAt: claims.linkIssuedAt ?? 0 };
    } catch (error) {
      if (!(error instanceof ConnectFlowError) || !error.signedTokenFailure) throw error;
      if (error.signedTokenFailure === 'expired') {
        throw new ConnectFlowError(ConnectFlowErrorCode.InvalidLink, 'This connect link has expired. Ask your administrator for a new one.');
      }
    }
    throw new ConnectFlowError(ConnectFlowErrorCode.InvalidLink, 'This connect link is not valid. Ask your administrator for a new one.');
  }

  private adapterFor(provider: string, code: ConnectFlowErrorCode): OAuthProvider {
    const adapter = this.providers.get(provider);
    if (!adapter) throw new ConnectFlowError(code, 'This link names a provider this server does not know.');
    return adapter;
  }

  private credentialsFor(target: ConnectTarget): OAuthClientCredentials {
    try {
      return this.clientConfig.credentialsFor(target.clientId, target.provider);
    } catch (error) {
      if (!(error instanceof OAuthProviderError)) throw error;
      this.logger.error(error.message);
      throw new ConnectFlowError(ConnectFlowErrorCode.NotConfigured, `The ${target.provider} connection is not configured on this server yet.`);
    }
  }

  // `accounts-server` comes from the browser, i.e. possibly from an attacker: the code exchange
  // sends our client secret to it, so only allowlisted data centres are accepted.
  private accountsServerFrom(provider: string, candidate: string | undefined): string {
    if (!candidate) return this.clientConfig.defaultAccountsServer(provider);
    const allowed = this.clientConfig.allowedAccountsServer(provider, candidate);
    if (!allowed) {
      this.logger.warn(`Refused a ${provider} callback naming a disallowed accounts server`);
      throw new ConnectFlowError(
        ConnectFlowErrorCode.DisallowedAccountsServer,
        'The sign-in came back from an accounts server this service does not trust.',
      );
    }
    return allowed;
  }

  private async exchange(
    adapter: OAuthProvider,
    request: { code: string; accountsServer: string; credentials: OAuthClientCredentials; provider: string },
  ): Promise<ProviderTokenSet & { refreshToken: string }> {
    let tokenSet: ProviderTokenSet;
    try {
      tokenSet = await adapter.exchangeCode({ ...request, redirectUri: this.redirectUri(request.provider) });
    } catch (error) {
      // The provider's own words go to the log (adapters redact what we sent); the public page stays generic.
      const detail = error instanceof OAuthProviderError ? error.message : 'unexpected error';
      this.logger.warn(`Code exchange at ${request.provider} failed: ${detail}`);
      throw new ConnectFlowError(
        ConnectFlowErrorCode.ExchangeFailed,
        `${request.provider} did not complete the sign-in. Please open the connect link again; if this keeps happening, tell your administrator.`,
      );
    }
    // Without a refresh token the connection would be dead on arrival (status rule: no refresh token → invalid).
    if (!tokenSet.refreshToken) {
      throw new ConnectFlowError(ConnectFlowErrorCode.ExchangeFailed, `${request.provider} issued no refresh token; please try again.`);
    }
    return tokenSet as ProviderTokenSet & { refreshToken: string };
  }

  // Zoho keeps at most 20 refresh tokens per user and silently drops the oldest, so each
  // replaced one is revoked. Best effort: the new token is stored either way.
  private async revokeQuietly(
    adapter: OAuthProvider,
    target: ConnectTarget,
    refreshToken: string,
    storedAccountsServer: string | null,
    credentials: OAuthClientCredentials,
  ): Promise<void> {
    try {
      const accountsServer = this.clientConfig.accountsServerFor(target.provider, storedAccountsServer);
      await adapter.revoke({ refreshToken, accountsServer, credentials });
    } catch (error) {
      this.logger.warn(`Could not revoke the replaced ${target.provider} token of ${target.clientId}: ${(error as Error).message}`);
    }
  }

  private redirectUri(provider: string): string {
    return `${this.config.publicBaseUrl}/oauth/${encodeURIComponent(provider)}/callback`;
  }
}

// A link is spent once any connect of its connection completed after it was signed.
function spentLink(): ConnectFlowError {
  return new ConnectFlowError(
    ConnectFlowErrorCode.InvalidLink,
    'This connect link has already been used: the connection was re-authorized after it was sent. Ask your administrator for a new one.',
  );
}
