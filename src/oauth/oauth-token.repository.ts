import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { OAuthTokenRow, STATUS_PARAMETERS } from './oauth-token-rows';
import { StoredToken, TokenSetInput } from './stored-token';
import { SealContext, SealedColumn, TokenCipher } from './token-cipher';
import { OAuthTokenError, UnreadableReason } from './oauth-token.errors';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';

/** What replacing a token set found in its place. */
export interface ReplacedTokenSet {
  id: string;
  previousRefreshToken: string | null;
  previousAccountsServer: string | null;
  /** Set when a previous token set existed but could not be decrypted (it cannot be revoked). */
  previousUnreadable: UnreadableReason | null;
}

/**
 * Token sets of `oauth_tokens`: stored by the connect flow and registration,
 * read for a hand-out. Encrypts on the way in, decrypts on the way out. The other
 * statements on the table sit beside it, one file per concern: reports, sweep,
 * leases (claims and results), alert state, readability, re-encryption.
 */
@Injectable()
export class OAuthTokenRepository {
  constructor(
    @InjectTokenHealthDataSource() private readonly dataSource: DataSource,
    private readonly cipher: TokenCipher,
  ) {}

  async findToken(clientId: string, provider: string): Promise<StoredToken | undefined> {
    const rows = await this.dataSource.query<OAuthTokenRow[]>('SELECT * FROM oauth_tokens WHERE client_id = $1 AND provider = $2', [
      clientId,
      provider,
    ]);
    return rows[0] ? this.toStoredToken(rows[0]) : undefined;
  }

  /**
   * Inserts or replaces the token set of (client, provider) as healthy. Returns the
   * previous refresh token (decrypted) and where it was issued, so the caller can
   * revoke it at the provider. An unreadable previous token set is replaced all the same.
   */
  async upsertTokenSet(input: TokenSetInput, manager: EntityManager = this.dataSource.manager): Promise<ReplacedTokenSet> {
    const previous = await manager.query<Pick<OAuthTokenRow, 'refresh_token' | 'accounts_server'>[]>(
      'SELECT refresh_token, accounts_server FROM oauth_tokens WHERE client_id = $1 AND provider = $2 FOR UPDATE',
      [input.clientId, input.provider],
    );
    const [{ id }] = await manager.query<{ id: string }[]>(
      `INSERT INTO oauth_tokens (client_id, provider, access_token, refresh_token, token_expiry, scope,
                                 refresh_token_expires_at, accounts_server, api_domain, last_refreshed_at,
                                 token_status, health_check_error, last_health_check)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, now())
       ON CONFLICT (client_id, provider) DO UPDATE SET
         access_token = EXCLUDED.access_token, refresh_token = EXCLUDED.refresh_token,
         token_expiry = EXCLUDED.token_expiry, scope = EXCLUDED.scope,
         refresh_token_expires_at = EXCLUDED.refresh_token_expires_at,
         accounts_server = EXCLUDED.accounts_server, api_domain = EXCLUDED.api_domain,
         last_refreshed_at = EXCLUDED.last_refreshed_at, last_refresh_attempt_at = NULL,
         token_status = EXCLUDED.token_status, health_check_error = NULL, last_health_check = now(),
         health_check_lease_until = NULL, updated_at = now()
       RETURNING id`,
      [
        input.clientId,
        input.provider,
        this.cipher.encryptNullable(input.accessToken, sealContext(input, 'access_token')),
        this.cipher.encrypt(input.refreshToken, sealContext(input, 'refresh_token')),
        input.accessTokenExpiresAt ?? null,
        input.scope ?? null,
        input.refreshTokenExpiresAt ?? null,
        input.accountsServer ?? null,
        input.apiDomain ?? null,
        input.refreshedAt ?? null,
        STATUS_PARAMETERS.healthy,
      ],
    );
    const previousRefreshToken = previous[0] ? this.readValue(previous[0].refresh_token, sealContext(input, 'refresh_token')) : null;
    return {
      id,
      previousRefreshToken: typeof previousRefreshToken === 'string' ? previousRefreshToken : null,
      previousAccountsServer: previous[0]?.accounts_server ?? null,
      previousUnreadable: previousRefreshToken instanceof OAuthTokenError ? (previousRefreshToken.reason ?? null) : null,
    };
  }

  private toStoredToken(row: OAuthTokenRow): StoredToken {
    const identity = { clientId: row.client_id, provider: row.provider };
    const accessToken = this.readValue(row.access_token, sealContext(identity, 'access_token'));
    const refreshToken = this.readValue(row.refresh_token, sealContext(identity, 'refresh_token'));
    const failure = [accessToken, refreshToken].find((value) => value instanceof OAuthTokenError);
    return {
      id: row.id,
      ...identity,
      unreadable: failure?.reason ?? null,
      accessToken: failure ? null : (accessToken as string | null),
      refreshToken: failure ? null : (refreshToken as string | null),
      sealed: { accessToken: row.access_token, refreshToken: row.refresh_token },
      tokenExpiry: row.token_expiry,
      accountsServer: row.accounts_server,
      tokenStatus: row.token_status,
      lastRefreshedAt: row.last_refreshed_at,
      refreshTokenExpiresAt: row.refresh_token_expires_at,
      lastRefreshAttemptAt: row.last_refresh_attempt_at,
      healthCheckError: row.health_check_error,
      leaseUntil: row.health_check_lease_until,
    };
  }

  // An unreadable value is a state of the row (legacy plaintext, removed key, moved ciphertext), not a fault of the read.
  private readValue(stored: string | null, context: SealContext): string | null | OAuthTokenError {
    try {
      return this.cipher.decryptNullable(stored, context);
    } catch (error) {
      if (OAuthTokenError.isUnreadable(error)) return error;
      throw error;
    }
  }
}

export function sealContext(token: { clientId: string; provider: string }, column: SealedColumn): SealContext {
  return { clientId: token.clientId, provider: token.provider, column };
}
