import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { namedSql } from '../database/named-sql';
import { OAuthTokenRow, STATUS_PARAMETERS } from './oauth-token-rows';
import { TRANSIENT_FAILURE_SQL } from './refresh-tally.repository';
import { TokenStatus } from './token-status';

export interface TokenKey {
  clientId: string;
  provider: string;
}

/** A token whose stored state calls for an alert (entering, reminder or resolved). */
export interface DueAlert {
  id: string;
  clientId: string;
  provider: string;
  status: TokenStatus;
  error: string | null;
  lastAlertStatus: TokenStatus | null;
}

type DueAlertRow = Pick<OAuthTokenRow, 'id' | 'client_id' | 'provider' | 'token_status' | 'health_check_error' | 'last_alert_status'>;

// Due: entered an unhealthy status or moved between them, still unhealthy past
// the repeat interval, or healthy again after an alert (resolved notice).
const DUE_ALERT = `((token_status <> :healthy AND (last_alert_status IS DISTINCT FROM token_status
                      OR last_alerted_at <= now() - :repeatMinutes::float8 * interval '1 minute'))
                   OR (token_status = :healthy AND last_alert_status IS NOT NULL))`;

/**
 * The alert state columns of `oauth_tokens` (last_alert_status, last_alerted_at).
 * Called inside the caller's transaction, so a row's alert and its state commit together.
 */
@Injectable()
export class OAuthTokenAlertStateRepository {
  /** Locks (SKIP LOCKED, so replicas never both take one) up to `limit` tokens that are due an alert. */
  async lockDueAlerts(
    manager: EntityManager,
    options: { repeatMinutes: number; keys?: TokenKey[]; exclude: string[]; heldProviders: string[]; limit: number },
  ): Promise<DueAlert[]> {
    const [sql, params] = namedSql(
      `SELECT id, client_id, provider, token_status, health_check_error, last_alert_status
         FROM oauth_tokens
        WHERE ${DUE_ALERT}
          AND NOT (id = ANY(:failed::uuid[]))
          -- Transient failures of a provider in outage are announced once, by the outage alert.
          AND NOT (provider = ANY(:held::varchar[]) AND ${TRANSIENT_FAILURE_SQL})
          AND (:filtered::boolean IS FALSE OR (client_id, provider) IN (SELECT * FROM unnest(:clientIds::varchar[], :providers::varchar[])))
        ORDER BY id
        LIMIT :limit
        FOR UPDATE SKIP LOCKED`,
      {
        healthy: STATUS_PARAMETERS.healthy,
        repeatMinutes: options.repeatMinutes,
        failed: options.exclude,
        held: options.heldProviders,
        filtered: options.keys !== undefined,
        clientIds: (options.keys ?? []).map((key) => key.clientId),
        providers: (options.keys ?? []).map((key) => key.provider),
        limit: options.limit,
      },
    );
    const rows = await manager.query<DueAlertRow[]>(sql, params);
    return rows.map((row) => ({
      id: row.id,
      clientId: row.client_id,
      provider: row.provider,
      status: row.token_status,
      error: row.health_check_error,
      lastAlertStatus: row.last_alert_status,
    }));
  }

  /** Records that the token's current status has been alerted (healthy: the incident is closed). */
  async recordAlerted(manager: EntityManager, id: string, status: TokenStatus): Promise<void> {
    await manager.query('UPDATE oauth_tokens SET last_alert_status = $2, last_alerted_at = now() WHERE id = $1', [
      id,
      status === TokenStatus.Healthy ? null : status,
    ]);
  }
}
