import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ProviderTokenSet } from './providers/oauth-provider';
import { StoredToken, TokenHealthRow, TokenIdentity, TokenSetInput } from './stored-token';
import { SealContext, SealedColumn, TokenCipher, UnreadableReason, UnreadableValueError } from './token-cipher';
import { TokenStatus } from './token-status';

/** What replacing a token set found in its place. */
export interface ReplacedTokenSet {
  id: string;
  previousRefreshToken: string | null;
  previousAccountsServer: string | null;
  /** Set when a previous token set existed but could not be decrypted (it cannot be revoked). */
  previousUnreadable: UnreadableReason | null;
}

type Row = Record<string, any>;

/**
 * The only code that reads or writes `oauth_tokens` token material. Encrypts on
 * the way in, decrypts on the way out, and never returns secrets in reports.
 */
@Injectable()
export class OAuthTokenRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: TokenCipher,
  ) {}

  async findReports(clientId?: string): Promise<TokenHealthRow[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT client_id, provider, token_status, last_refreshed_at, last_health_check, token_expiry, health_check_error
         FROM oauth_tokens
        WHERE ($1::varchar IS NULL OR client_id = $1)
        ORDER BY client_id, provider`,
      [clientId ?? null],
    );
    return rows.map(toHealthRow);
  }

  async findReport(clientId: string, provider: string, manager: EntityManager = this.dataSource.manager): Promise<TokenHealthRow | undefined> {
    const rows: Row[] = await manager.query(
      `SELECT client_id, provider, token_status, last_refreshed_at, last_health_check, token_expiry, health_check_error
         FROM oauth_tokens WHERE client_id = $1 AND provider = $2`,
      [clientId, provider],
    );
    return rows.map(toHealthRow)[0];
  }

  async findToken(clientId: string, provider: string): Promise<StoredToken | undefined> {
    const rows: Row[] = await this.dataSource.query(
      'SELECT * FROM oauth_tokens WHERE client_id = $1 AND provider = $2',
      [clientId, provider],
    );
    return rows[0] ? this.toStoredToken(rows[0]) : undefined;
  }

  /**
   * Inserts or replaces the token set of (client, provider) as healthy. Returns the
   * previous refresh token (decrypted) and where it was issued, so the caller can
   * revoke it at the provider. An unreadable previous token set is replaced all the same.
   */
  async upsertTokenSet(input: TokenSetInput, manager: EntityManager = this.dataSource.manager): Promise<ReplacedTokenSet> {
    const previous: Row[] = await manager.query(
      'SELECT refresh_token, accounts_server FROM oauth_tokens WHERE client_id = $1 AND provider = $2 FOR UPDATE',
      [input.clientId, input.provider],
    );
    const [{ id }]: Row[] = await manager.query(
      `INSERT INTO oauth_tokens (client_id, provider, access_token, refresh_token, token_expiry, scope,
                                 refresh_token_expires_at, accounts_server, api_domain, last_refreshed_at,
                                 token_status, health_check_error, last_health_check)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'healthy', NULL, now())
       ON CONFLICT (client_id, provider) DO UPDATE SET
         access_token = EXCLUDED.access_token, refresh_token = EXCLUDED.refresh_token,
         token_expiry = EXCLUDED.token_expiry, scope = EXCLUDED.scope,
         refresh_token_expires_at = EXCLUDED.refresh_token_expires_at,
         accounts_server = EXCLUDED.accounts_server, api_domain = EXCLUDED.api_domain,
         last_refreshed_at = EXCLUDED.last_refreshed_at, last_refresh_attempt_at = NULL,
         token_status = 'healthy', health_check_error = NULL, last_health_check = now(),
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
      ],
    );
    const previousRefreshToken = previous[0] ? this.readValue(previous[0].refresh_token, sealContext(input, 'refresh_token')) : null;
    return {
      id,
      previousRefreshToken: typeof previousRefreshToken === 'string' ? previousRefreshToken : null,
      previousAccountsServer: previous[0]?.accounts_server ?? null,
      previousUnreadable: previousRefreshToken instanceof UnreadableValueError ? previousRefreshToken.reason : null,
    };
  }

  /** The row of `id`, locked for the rest of `manager`'s transaction. */
  async lockToken(manager: EntityManager, id: string): Promise<StoredToken | undefined> {
    const rows: Row[] = await manager.query('SELECT * FROM oauth_tokens WHERE id = $1 FOR UPDATE', [id]);
    return rows[0] ? this.toStoredToken(rows[0]) : undefined;
  }

  /**
   * Runs `work` while holding the row lock of one token (SELECT … FOR UPDATE), with
   * the row re-read after the lock is granted. Writers below take the same manager.
   */
  async withLockedToken<T>(id: string, work: (token: StoredToken, manager: EntityManager) => Promise<T>): Promise<T | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const rows: Row[] = await manager.query('SELECT * FROM oauth_tokens WHERE id = $1 FOR UPDATE', [id]);
      return rows[0] ? work(this.toStoredToken(rows[0]), manager) : undefined;
    });
  }

  async saveRefreshSuccess(manager: EntityManager, token: TokenIdentity, result: ProviderTokenSet, status: TokenStatus, note: string | null): Promise<void> {
    // A provider that does not rotate sends no refresh token: keep the stored one.
    await manager.query(
      `UPDATE oauth_tokens SET
         access_token = $2, refresh_token = COALESCE($3, refresh_token), token_expiry = $4,
         refresh_token_expires_at = CASE WHEN $3::text IS NOT NULL OR $5::timestamptz IS NOT NULL THEN $5 ELSE refresh_token_expires_at END,
         api_domain = COALESCE($6, api_domain), scope = COALESCE($7, scope),
         last_refreshed_at = now(), last_refresh_attempt_at = now(), last_health_check = now(),
         token_status = $8, health_check_error = $9, health_check_lease_until = NULL, updated_at = now()
       WHERE id = $1`,
      [
        token.id,
        this.cipher.encrypt(result.accessToken, sealContext(token, 'access_token')),
        this.cipher.encryptNullable(result.refreshToken, sealContext(token, 'refresh_token')),
        result.accessTokenExpiresAt,
        result.refreshTokenExpiresAt ?? null,
        result.apiDomain ?? null,
        result.scope ?? null,
        status,
        note,
      ],
    );
  }

  async saveCheckResult(manager: EntityManager, id: string, status: TokenStatus, error: string | null, attempted: boolean): Promise<void> {
    await manager.query(
      `UPDATE oauth_tokens SET token_status = $2, health_check_error = $3, last_health_check = now(),
         last_refresh_attempt_at = CASE WHEN $4 THEN now() ELSE last_refresh_attempt_at END,
         health_check_lease_until = NULL
       WHERE id = $1`,
      [id, status, error, attempted],
    );
  }

  private toStoredToken(row: Row): StoredToken {
    const identity = { clientId: row.client_id as string, provider: row.provider as string };
    const accessToken = this.readValue(row.access_token, sealContext(identity, 'access_token'));
    const refreshToken = this.readValue(row.refresh_token, sealContext(identity, 'refresh_token'));
    const failure = [accessToken, refreshToken].find((value) => value instanceof UnreadableValueError);
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
    };
  }

  // An unreadable value is a state of the row (legacy plaintext, removed key, moved ciphertext), not a fault of the read.
  private readValue(stored: string | null, context: SealContext): string | null | UnreadableValueError {
    try {
      return this.cipher.decryptNullable(stored, context);
    } catch (error) {
      if (error instanceof UnreadableValueError) return error;
      throw error;
    }
  }
}

function sealContext(token: { clientId: string; provider: string }, column: SealedColumn): SealContext {
  return { clientId: token.clientId, provider: token.provider, column };
}

function toHealthRow(row: Row): TokenHealthRow {
  return {
    clientId: row.client_id,
    provider: row.provider,
    status: row.token_status,
    lastRefresh: row.last_refreshed_at,
    lastHealthCheck: row.last_health_check,
    accessTokenExpiresAt: row.token_expiry,
    error: row.health_check_error,
  };
}
