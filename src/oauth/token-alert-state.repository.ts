import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { namedSql } from '../database/named-sql';
import { TRANSIENT_FAILURE_SQL } from './refresh-tally.repository';
import { OAuthProviderRegistry } from './oauth-provider.registry';
import { CONFIGURATION_ERROR_PREFIX } from './token-status.policy';
import { OAuthTokenRow } from './oauth-token-rows';
import { TokenStatus } from './token-status';
import { STATUS_RANK_SQL } from './token-status.sql';

/** Which alert a token is due: entering an unhealthy status, a reminder, or a resolved notice. */
export type DueAlertKind = 'alert' | 'reminder' | 'resolved';

// Named parameters: :healthy, :repeatMinutes. Together they are exactly DUE_ALERT_SQL.
const DUE_ALERT_KIND_SQL: Record<DueAlertKind, string> = {
  alert: `(token_status <> :healthy AND last_alert_status IS DISTINCT FROM token_status)`,
  reminder: `(token_status <> :healthy AND last_alert_status = token_status
              AND last_alerted_at <= now() - :repeatMinutes::float8 * interval '1 minute')`,
  resolved: `(token_status = :healthy AND last_alert_status IS NOT NULL)`,
};

/** Due: entered an unhealthy status or moved between them, still unhealthy past the repeat interval, or healthy again after an alert. */
const DUE_ALERT_SQL = `(${DUE_ALERT_KIND_SQL.alert} OR ${DUE_ALERT_KIND_SQL.reminder} OR ${DUE_ALERT_KIND_SQL.resolved})`;

/**
 * Transient failures of `provider` attempted in [from, until) (null: unbounded) are not alerted
 * per token: an open incident covers them, one that closed announced them, or a verdict is pending.
 */
export interface TransientHold {
  provider: string;
  from: Date | null;
  until: Date | null;
  /** Waiting for a verdict that the next evaluation may not bring by itself: raise again once the wait is over. */
  followUp: boolean;
}

/** Which due tokens a raise looks at. */
export interface DueAlertFilter {
  repeatMinutes: number;
  /** Only these (client, provider) pairs; all tokens when absent. */
  keys?: { clientId: string; provider: string }[];
  /** Transient failures not alerted per token (an outage is announced, or about to be, instead). */
  holds: TransientHold[];
  /** Token ids already handled in this raise (text form). */
  handledIds: string[];
}

export interface DueAlertRow {
  id: string;
  clientId: string;
  provider: string;
  status: TokenStatus;
  error: string | null;
  lastAlertStatus: TokenStatus | null;
}

// Most severe first, so a digest's top lines are the ones that matter most.
const SEVERITY_ORDER = `${STATUS_RANK_SQL} DESC`;
// One lock for every replica's digest sweeps, so two replicas never split one storm into two halves under the threshold.
// Session-level: a sweep commits batch by batch, and the lock must outlast each batch.
const DIGEST_LOCK_KEY = `hashtext('token_health.alert_digest')`;

/**
 * Set-wise alert state of `oauth_tokens` for digests: count and claim every
 * token due one kind of alert, and record them as alerted in one statement.
 */
@Injectable()
export class TokenAlertStateRepository {
  constructor(private readonly providers: OAuthProviderRegistry) {}

  /** Locks (SKIP LOCKED, so replicas never both take one) up to `limit` tokens due any alert, for one-by-one sending. */
  async lockDueBatch(manager: EntityManager, filter: DueAlertFilter & { limit: number }): Promise<DueAlertRow[]> {
    const [sql, params] = namedSql(
      `SELECT id, client_id, provider, token_status, health_check_error, last_alert_status
         FROM oauth_tokens
        WHERE ${DUE_ALERT_SQL} AND ${FILTER_SQL}
        ORDER BY id
        LIMIT :limit
        FOR UPDATE SKIP LOCKED`,
      { ...this.values(filter), limit: filter.limit },
    );
    const rows = await manager.query<DueAlertDbRow[]>(sql, params);
    return rows.map(toDueAlertRow);
  }

  /** Records that the token's current status has been alerted (healthy: the incident is closed). */
  async recordAlerted(manager: EntityManager, id: string, status: TokenStatus): Promise<void> {
    await manager.query('UPDATE oauth_tokens SET last_alert_status = $2, last_alerted_at = now() WHERE id = $1', [
      id,
      status === TokenStatus.Healthy ? null : status,
    ]);
  }

  /** Serialises digest sweeps across replicas until `unlockDigests` on the same connection (or its end). */
  async lockDigests(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_lock(${DIGEST_LOCK_KEY})`);
  }

  async unlockDigests(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_unlock(${DIGEST_LOCK_KEY})`);
  }

  /** The distinct statuses of the tokens due `kind`, for a digest's title and console links. */
  async dueStatuses(manager: EntityManager, kind: DueAlertKind, filter: DueAlertFilter): Promise<TokenStatus[]> {
    const [sql, params] = namedSql(
      `SELECT DISTINCT token_status FROM oauth_tokens WHERE ${DUE_ALERT_KIND_SQL[kind]} AND ${FILTER_SQL}`,
      this.values(filter),
    );
    const rows = await manager.query<{ token_status: TokenStatus }[]>(sql, params);
    return rows.map((row) => row.token_status);
  }

  async countDue(manager: EntityManager, kind: DueAlertKind, filter: DueAlertFilter): Promise<number> {
    const [sql, params] = namedSql(
      `SELECT count(*)::int AS due FROM oauth_tokens WHERE ${DUE_ALERT_KIND_SQL[kind]} AND ${FILTER_SQL}`,
      this.values(filter),
    );
    const [row]: { due: number }[] = await manager.query(sql, params);
    return row.due;
  }

  /** Locks and returns up to `limit` tokens due `kind` (skipping rows another transaction holds), most severe first. */
  async claimDue(manager: EntityManager, kind: DueAlertKind, filter: DueAlertFilter, limit: number): Promise<DueAlertRow[]> {
    const [sql, params] = namedSql(
      `SELECT id, client_id, provider, token_status, health_check_error, last_alert_status
         FROM oauth_tokens
        WHERE ${DUE_ALERT_KIND_SQL[kind]} AND ${FILTER_SQL}
        ORDER BY ${SEVERITY_ORDER}, client_id, provider
        LIMIT :limit
        FOR UPDATE SKIP LOCKED`,
      { ...this.values(filter), limit },
    );
    const rows = await manager.query<DueAlertDbRow[]>(sql, params);
    return rows.map(toDueAlertRow);
  }

  // Providers without app credentials: their configuration failures are one incident per provider, not an alert per token.
  private values(filter: DueAlertFilter): Record<string, unknown> {
    return { ...values(filter), configurationHeld: this.providers.withoutCredentials() };
  }

  /** Records that these tokens' current status was alerted now (a healthy one closes its alert). */
  async markAlerted(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query(
      `UPDATE oauth_tokens SET last_alerted_at = now(),
              last_alert_status = NULLIF(token_status, $2)
        WHERE id::text = ANY($1::text[])`,
      [ids, TokenStatus.Healthy],
    );
  }
}

/** A failure caused by our OAuth app configuration; over `oauth_tokens` columns. */
export const CONFIGURATION_FAILURE_SQL = `(token_status = '${TokenStatus.RefreshFailed}'
  AND health_check_error LIKE '${CONFIGURATION_ERROR_PREFIX.replace(/'/g, "''")}%')`;

const HELD_SQL = `EXISTS (SELECT 1 FROM unnest(:holdProviders::varchar[], :holdFrom::timestamptz[], :holdUntil::timestamptz[]) AS h(provider, since, until)
  WHERE h.provider = oauth_tokens.provider
    AND (h.since IS NULL OR last_refresh_attempt_at >= h.since) AND (h.until IS NULL OR last_refresh_attempt_at < h.until))`;

const FILTER_SQL = `NOT (${TRANSIENT_FAILURE_SQL} AND ${HELD_SQL})
  AND NOT (provider = ANY(:configurationHeld::varchar[]) AND ${CONFIGURATION_FAILURE_SQL})
  AND NOT (id::text = ANY(:handled::text[]))
  AND (:filtered::boolean IS FALSE OR (client_id, provider) IN (SELECT * FROM unnest(:clientIds::varchar[], :providers::varchar[])))`;

function values(filter: DueAlertFilter): Record<string, unknown> {
  return {
    healthy: TokenStatus.Healthy,
    repeatMinutes: filter.repeatMinutes,
    holdProviders: filter.holds.map((hold) => hold.provider),
    holdFrom: filter.holds.map((hold) => hold.from),
    holdUntil: filter.holds.map((hold) => hold.until),
    handled: filter.handledIds,
    filtered: filter.keys !== undefined,
    clientIds: (filter.keys ?? []).map((key) => key.clientId),
    providers: (filter.keys ?? []).map((key) => key.provider),
  };
}

type DueAlertDbRow = Pick<OAuthTokenRow, 'id' | 'client_id' | 'provider' | 'token_status' | 'health_check_error' | 'last_alert_status'>;

function toDueAlertRow(row: DueAlertDbRow): DueAlertRow {
  return {
    id: String(row.id),
    clientId: row.client_id,
    provider: row.provider,
    status: row.token_status,
    error: row.health_check_error,
    lastAlertStatus: row.last_alert_status,
  };
}
