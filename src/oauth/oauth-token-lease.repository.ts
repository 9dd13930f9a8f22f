import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { namedSql } from '../database/named-sql';
import { OAuthTokenRow, STATUS_PARAMETERS } from './oauth-token-rows';
import { ProviderTokenSet } from './providers/oauth-provider';
import { CheckPolicy, CheckScope } from './stored-token';
import { sweepValues } from './oauth-token-sweep.repository';
import { ATTEMPTED_RECENTLY, CLAIMABLE, DEAD_GRANT_RESTING, DUE_AT, IN_SCOPE_NOT_CHECKED, LEASE_FREE, NEW_LEASE } from './token-due.sql';
import { sealContext } from './oauth-token.repository';
import { TokenCipher } from './token-cipher';
import { TokenStatus } from './token-status';
import { StatusVerdict } from './token-status.policy';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';
import { ReservedPool } from '../database/reserved-pool';

/** A token claimed for a refresh: the lease is ours until `leaseUntil`, and identifies this claim. */
export interface LeasedToken {
  id: string;
  clientId: string;
  provider: string;
  status: TokenStatus;
  /** The stored `health_check_error` (no secret), kept when a dead grant's retry fails otherwise. */
  error: string | null;
  leaseUntil: Date;
  accountsServer: string | null;
  tokenExpiry: Date | null;
  refreshTokenExpiresAt: Date | null;
  lastRefreshedAt: Date | null;
  lastRefreshAttemptAt: Date | null;
  hasAccessToken: boolean;
  /** Ciphertext; opened by `openRefreshToken` only when the provider is called. */
  sealedRefreshToken: string | null;
  sealedAccessToken: string | null;
}

/** What one refresh ended with, to be written under its lease. */
export interface RefreshResult {
  id: string;
  clientId: string;
  provider: string;
  leaseUntil: Date;
  /** The refresh token's ciphertext as claimed: a rotated answer may still land while the row holds it. */
  presentedRefreshToken: string | null;
  /** Stored values not under the current key or format, decrypted: the write re-encrypts them. */
  reseal?: { accessToken?: string; refreshToken?: string };
  verdict: StatusVerdict;
  /** The provider was asked (counts against its rate limit). */
  attempted: boolean;
  /** The provider throttled the request: the stored verdict stands, the lease is given back and the token re-queued. */
  throttled?: { retryAfterSeconds?: number };
  /** Present when the provider issued a new token set. */
  tokenSet?: ProviderTokenSet;
}

/** Which providers' tokens a claim takes: one provider's queue, or every provider but the listed ones. */
export interface ClaimLane {
  provider?: string;
  except?: string[];
}

const IN_LANE = `(CAST(:laneProvider AS varchar) IS NULL OR provider = :laneProvider) AND NOT (provider = ANY(CAST(:laneExcept AS varchar[])))`;

function laneValues(lane: ClaimLane): Record<string, unknown> {
  return { laneProvider: lane.provider ?? null, laneExcept: lane.except ?? [] };
}

type LeasedRow = Pick<
  OAuthTokenRow,
  | 'id'
  | 'client_id'
  | 'provider'
  | 'token_status'
  | 'health_check_error'
  | 'accounts_server'
  | 'token_expiry'
  | 'refresh_token_expires_at'
  | 'last_refreshed_at'
  | 'last_refresh_attempt_at'
  | 'refresh_token'
  | 'access_token'
> & { lease_until: Date };

const LEASED_COLUMNS = `t.id, t.client_id, t.provider, t.token_status, t.health_check_error, t.accounts_server, t.token_expiry, t.refresh_token_expires_at,
  t.last_refreshed_at, t.last_refresh_attempt_at, t.refresh_token, t.access_token, t.health_check_lease_until AS lease_until`;

/**
 * Claims and results of refreshes. A claim sets a lease and commits, so no
 * transaction or row lock is held while a provider is called; a result lands
 * only while the row still carries the lease it was claimed with. The same
 * lease serves the checker's batches and a single hand-out (cross-process single flight).
 * The checker's claims and every result write go through the reserved pool, so API load
 * cannot starve them; a hand-out's claim and release are API work, on the serving pool.
 */
@Injectable()
export class OAuthTokenLeaseRepository {
  private readonly reserved: DataSource;

  constructor(
    @InjectTokenHealthDataSource() private readonly dataSource: DataSource,
    reserved: ReservedPool,
    private readonly cipher: TokenCipher,
  ) {
    this.reserved = reserved.dataSource;
  }

  /** Leases up to `limit` tokens of this cycle that need a provider refresh, most urgent first. */
  async claimDue(cycleStart: Date, scope: CheckScope, policy: CheckPolicy, limit: number, lane: ClaimLane = {}): Promise<LeasedToken[]> {
    const [sql, params] = namedSql(
      `UPDATE oauth_tokens t SET health_check_lease_until = ${NEW_LEASE}
       FROM (SELECT id FROM oauth_tokens
              WHERE ${CLAIMABLE} AND NOT ${ATTEMPTED_RECENTLY} AND NOT ${DEAD_GRANT_RESTING} AND ${IN_SCOPE_NOT_CHECKED} AND ${LEASE_FREE} AND ${IN_LANE}
              ORDER BY ${DUE_AT}, id
              LIMIT :limit
              FOR UPDATE SKIP LOCKED) claimed
       WHERE t.id = claimed.id
       RETURNING ${LEASED_COLUMNS}`,
      { ...sweepValues(cycleStart, scope, policy), ...laneValues(lane), leaseSeconds: policy.leaseSeconds, limit },
    );
    const [rows] = await this.reserved.query<[LeasedRow[], number]>(sql, params);
    return rows.map(toLeasedToken);
  }

  /**
   * How many tokens of this cycle still need a refresh and are not leased, counting rows that
   * another transaction holds locked right now (a claim skips those).
   */
  async countUnclaimed(cycleStart: Date, scope: CheckScope, policy: CheckPolicy, lane: ClaimLane = {}): Promise<number> {
    const [sql, params] = namedSql(
      `SELECT count(*)::int AS n FROM oauth_tokens
        WHERE ${CLAIMABLE} AND NOT ${ATTEMPTED_RECENTLY} AND NOT ${DEAD_GRANT_RESTING} AND ${IN_SCOPE_NOT_CHECKED} AND ${LEASE_FREE} AND ${IN_LANE}`,
      { ...sweepValues(cycleStart, scope, policy), ...laneValues(lane) },
    );
    const [{ n }] = await this.reserved.query<{ n: number }[]>(sql, params);
    return n;
  }

  /** Leases one token whatever its state, unless another claim's lease is live (then undefined). */
  async claimOne(id: string, leaseSeconds: number, manager: EntityManager = this.dataSource.manager): Promise<LeasedToken | undefined> {
    const [sql, params] = namedSql(
      `UPDATE oauth_tokens t SET health_check_lease_until = ${NEW_LEASE}
        WHERE t.id = :id AND ${LEASE_FREE}
        RETURNING ${LEASED_COLUMNS}`,
      { id, leaseSeconds },
    );
    const [rows] = await manager.query<[LeasedRow[], number]>(sql, params);
    return rows.map(toLeasedToken)[0];
  }

  /** Gives leases back without a result (throttled refreshes: the tokens are claimed again later). */
  async releaseAll(tokens: Pick<LeasedToken, 'id' | 'leaseUntil'>[]): Promise<void> {
    if (tokens.length === 0) return;
    await this.reserved.query(
      `UPDATE oauth_tokens t SET health_check_lease_until = NULL
         FROM unnest($1::uuid[], $2::timestamptz[]) AS o(id, lease_until)
        WHERE t.id = o.id AND t.health_check_lease_until = o.lease_until`,
      [tokens.map((token) => token.id), tokens.map((token) => token.leaseUntil)],
    );
  }

  /** Gives a lease back without a result (nothing was done). */
  async release(token: Pick<LeasedToken, 'id' | 'leaseUntil'>, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query('UPDATE oauth_tokens SET health_check_lease_until = NULL WHERE id = $1 AND health_check_lease_until = $2', [
      token.id,
      token.leaseUntil,
    ]);
  }

  /**
   * Writes a batch of results in one statement (after `prepare`, in one transaction,
   * when given). Returns the ids whose lease was still ours (the others were left untouched: their lease expired and another claim owns them now).
   */
  async writeResults(results: RefreshResult[], prepare?: (manager: EntityManager) => Promise<void>): Promise<Set<string>> {
    if (results.length === 0) return new Set();
    // In a transaction even alone: a write that outlives its process (it waited for a lock while
    // the process died) must not commit on its own when the lock goes.
    return this.reserved.transaction(async (manager) => {
      await prepare?.(manager);
      return this.writeResultsWith(manager, results);
    });
  }

  /** Writes results inside the caller's transaction (whose claim, made in it, they carry). */
  async writeResultsWith(manager: EntityManager, results: RefreshResult[]): Promise<Set<string>> {
    const column = <T>(pick: (result: RefreshResult) => T) => results.map(pick);
    const [rows] = await manager.query<[{ id: string }[], number]>(
      `UPDATE oauth_tokens t SET
         -- New or re-encrypted values replace the stored ones; null keeps them.
         access_token = COALESCE(o.access_token, t.access_token),
         refresh_token = COALESCE(o.refresh_token, t.refresh_token),
         token_expiry = CASE WHEN o.ok THEN o.token_expiry ELSE t.token_expiry END,
         -- A provider that does not rotate sends no refresh token: keep the stored one and its expiry.
         refresh_token_expires_at = CASE WHEN o.ok AND (o.rotated OR o.refresh_expires_at IS NOT NULL)
                                         THEN o.refresh_expires_at ELSE t.refresh_token_expires_at END,
         api_domain = CASE WHEN o.ok THEN COALESCE(o.api_domain, t.api_domain) ELSE t.api_domain END,
         scope = CASE WHEN o.ok THEN COALESCE(o.scope, t.scope) ELSE t.scope END,
         last_refreshed_at = CASE WHEN o.ok THEN now() ELSE t.last_refreshed_at END,
         updated_at = CASE WHEN o.ok THEN now() ELSE t.updated_at END,
         last_refresh_attempt_at = CASE WHEN o.attempted THEN now() ELSE t.last_refresh_attempt_at END,
         last_health_check = now(), token_status = o.status, health_check_error = o.error,
         -- A rotated answer that landed by its token (below) leaves another claim's lease alone.
         health_check_lease_until = CASE WHEN t.health_check_lease_until = o.lease_until THEN NULL ELSE t.health_check_lease_until END
       FROM unnest($1::uuid[], $2::timestamptz[], $3::boolean[], $4::boolean[], $5::varchar[], $6::text[],
                   $7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[], $11::varchar[], $12::text[],
                   $13::boolean[], $14::text[])
            AS o(id, lease_until, ok, attempted, status, error,
                 access_token, refresh_token, token_expiry, refresh_expires_at, api_domain, scope, rotated, presented)
       -- Lands while the lease is ours; a rotated refresh token also while the row still holds the one
       -- that was presented (only a newer stored token makes such an answer stale; decision 14).
       WHERE t.id = o.id
         AND (t.health_check_lease_until = o.lease_until OR (o.rotated AND t.refresh_token = o.presented))
       RETURNING t.id`,
      [
        column((r) => r.id),
        column((r) => r.leaseUntil),
        column((r) => r.tokenSet !== undefined),
        column((r) => r.attempted),
        column((r) => r.verdict.status),
        column((r) => r.verdict.error),
        column((r) => this.cipher.encryptNullable(r.tokenSet?.accessToken ?? r.reseal?.accessToken, sealContext(r, 'access_token'))),
        column((r) => this.cipher.encryptNullable(r.tokenSet?.refreshToken ?? r.reseal?.refreshToken, sealContext(r, 'refresh_token'))),
        column((r) => r.tokenSet?.accessTokenExpiresAt ?? null),
        column((r) => r.tokenSet?.refreshTokenExpiresAt ?? null),
        column((r) => r.tokenSet?.apiDomain ?? null),
        column((r) => r.tokenSet?.scope ?? null),
        column((r) => r.tokenSet?.refreshToken !== undefined),
        column((r) => r.presentedRefreshToken),
      ],
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * A rotated refresh token could not be stored: the stored one is probably dead, so the token needs
   * attention — but only where the row still holds the token that was presented. A row that holds
   * another one (registered or connected meanwhile) keeps it and its status.
   */
  async markRotationLost(lost: Pick<RefreshResult, 'id' | 'presentedRefreshToken'>[], error: string): Promise<void> {
    if (lost.length === 0) return;
    await this.reserved.query(
      `UPDATE oauth_tokens t SET token_status = $3, health_check_error = $4, last_health_check = now()
         FROM unnest($1::uuid[], $2::text[]) AS o(id, presented)
        WHERE t.id = o.id AND t.refresh_token = o.presented`,
      [lost.map((r) => r.id), lost.map((r) => r.presentedRefreshToken), STATUS_PARAMETERS.refreshFailed, error],
    );
  }

  /** Throws an unreadable OAuthTokenError when the stored value cannot be decrypted. */
  openRefreshToken(token: LeasedToken): string | null {
    return this.cipher.decryptNullable(token.sealedRefreshToken, sealContext(token, 'refresh_token'));
  }

  openAccessToken(token: LeasedToken): string | null {
    return this.cipher.decryptNullable(token.sealedAccessToken, sealContext(token, 'access_token'));
  }

  /** The stored values not under the current key or format, decrypted, for the next write to re-encrypt. */
  staleValues(token: LeasedToken): { accessToken?: string; refreshToken?: string } | undefined {
    const stale = (sealed: string | null) => sealed !== null && !this.cipher.isCurrent(sealed);
    if (!stale(token.sealedAccessToken) && !stale(token.sealedRefreshToken)) return undefined;
    return {
      ...(stale(token.sealedAccessToken) && { accessToken: this.openAccessToken(token)! }),
      ...(stale(token.sealedRefreshToken) && { refreshToken: this.openRefreshToken(token)! }),
    };
  }
}

function toLeasedToken(row: LeasedRow): LeasedToken {
  return {
    id: row.id,
    clientId: row.client_id,
    provider: row.provider,
    status: row.token_status,
    error: row.health_check_error,
    leaseUntil: row.lease_until,
    accountsServer: row.accounts_server,
    tokenExpiry: row.token_expiry,
    refreshTokenExpiresAt: row.refresh_token_expires_at,
    lastRefreshedAt: row.last_refreshed_at,
    lastRefreshAttemptAt: row.last_refresh_attempt_at,
    hasAccessToken: row.access_token !== null,
    sealedRefreshToken: row.refresh_token,
    sealedAccessToken: row.access_token,
  };
}
