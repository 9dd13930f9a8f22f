import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { TokenHealthError } from '../common/token-health.error';
import { namedSql } from '../database/named-sql';
import { FleetFilter, FleetPosition } from './fleet-query';
import { likePattern, SEARCH_STATEMENT_TIMEOUT_MS, SearchMatch, searchMatchFor } from './fleet-search';
import { effectiveLastHealthCheckSql } from './effective-health-check.sql';
import { OAuthTokenReportRow, toHealthRow } from './oauth-token-rows';
import { TokenHealthRow } from './stored-token';
import { TokenStatus, severityRank } from './token-status';
import { STATUS_RANK_SQL } from './token-status.sql';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';

type FleetQueryRow = OAuthTokenReportRow & { id: string; rank: number; checked_micros: string };

// Both expressions must stay identical to those of ix_oauth_tokens_fleet_order (migration IndexFleetOrder),
// so that a page is a range scan of that index starting at its cursor. The order's time is the row's last
// written check (a verdict that changed, a refresh), which an unchanged sweep leaves alone; the page shows
// the effective check time.
const RANK = STATUS_RANK_SQL;
const CHECKED = `(COALESCE(last_health_check, 'epoch'::timestamptz))`;
const EFFECTIVE_CHECK = effectiveLastHealthCheckSql('oauth_tokens');
const POSITION = `${RANK}, ${CHECKED}, id`;
const CURSOR = `:rank::int, 'epoch'::timestamptz + :checkedMicros::int8 * interval '1 microsecond', :id::uuid`;

// PostgreSQL's query_canceled, raised when statement_timeout stops a statement.
const QUERY_CANCELED = '57014';

export interface FleetRow extends TokenHealthRow {
  position: FleetPosition;
}

export interface ProviderStatusCount {
  provider: string;
  status: TokenStatus;
  count: number;
}

/**
 * Read-only views of `oauth_tokens` across the fleet (lists, counts); never a
 * secret column. Also the only reader of `token_health_clients`, the client-id
 * search index kept by triggers (migration SearchClientsApart).
 */
@Injectable()
export class OAuthTokenFleetRepository {
  private searchMode?: Promise<SearchMatch>;

  constructor(@InjectTokenHealthDataSource() private readonly dataSource: DataSource) {}

  /**
   * Up to `limit` rows strictly after (`forward`) or before `from` in the fleet
   * order, returned in fleet order either way. No cursor: the first page.
   */
  async findPage(filter: FleetFilter, limit: number, from?: FleetPosition, forward = true): Promise<FleetRow[]> {
    const { conditions, values } = await this.where(filter);
    if (from) {
      conditions.push(`(${POSITION}) ${forward ? '<' : '>'} (${CURSOR})`);
      Object.assign(values, from);
    }
    const direction = forward ? 'DESC' : 'ASC';
    const [sql, params] = namedSql(
      `SELECT client_id, provider, token_status, last_refreshed_at, ${EFFECTIVE_CHECK} AS last_health_check, token_expiry, health_check_error, id,
              ${RANK} AS rank, (extract(epoch FROM ${CHECKED}) * 1000000)::int8::text AS checked_micros
         FROM oauth_tokens
        ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY ${RANK} ${direction}, ${CHECKED} ${direction}, id ${direction}
        LIMIT :limit`,
      { ...values, limit },
    );
    const rows = await this.query<FleetQueryRow>(filter, sql, params);
    const page = rows.map(toFleetRow);
    return forward ? page : page.reverse();
  }

  async count(filter: FleetFilter): Promise<number> {
    const { conditions, values } = await this.where(filter);
    const [sql, params] = namedSql(
      `SELECT count(*)::int AS count FROM oauth_tokens ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}`,
      values,
    );
    const [row] = await this.query<{ count: number }>(filter, sql, params);
    return row.count;
  }

  async countByProviderAndStatus(): Promise<ProviderStatusCount[]> {
    const rows: ProviderStatusCount[] = await this.dataSource.query(
      'SELECT provider, token_status AS status, count(*)::int AS count FROM oauth_tokens GROUP BY provider, token_status ORDER BY provider, token_status',
    );
    return rows.map((row) => ({ provider: row.provider, status: row.status, count: row.count }));
  }

  /** Substring search with a trigram index; prefix search where the migration found no pg_trgm. */
  getSearchMode(): Promise<SearchMatch> {
    this.searchMode ??= this.dataSource
      .query("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_token_health_clients_search'")
      .then((rows: { indexdef: string }[]) => (/USING gin/i.test(rows[0]?.indexdef ?? '') ? 'substring' : 'prefix'))
      .catch((error: unknown) => {
        this.searchMode = undefined;
        throw error;
      });
    return this.searchMode;
  }

  private async where(filter: FleetFilter): Promise<{ conditions: string[]; values: Record<string, unknown> }> {
    const conditions: string[] = [];
    const values: Record<string, unknown> = {};
    if (filter.statuses?.length) {
      // Filtering on the rank (not the column) lets the planner seek inside the order index.
      conditions.push(`${RANK} = ANY(:ranks::int[])`);
      values.ranks = [...new Set(filter.statuses.map((status) => severityRank(status)))];
    }
    if (filter.provider) {
      conditions.push('provider = :provider');
      values.provider = filter.provider;
    }
    if (filter.search) {
      const match = searchMatchFor(filter.search, await this.getSearchMode());
      // A prefix is matched on lower(client_id), the expression of ix_token_health_clients_prefix.
      const matches = match === 'substring' ? 'client_id ILIKE :pattern' : 'lower(client_id) LIKE lower(:pattern)';
      conditions.push(`client_id IN (SELECT client_id FROM token_health_clients WHERE ${matches})`);
      values.pattern = likePattern(filter.search, match);
    }
    return { conditions, values };
  }

  /** A search may still match most clients (a common word): it runs under a short statement timeout of its own. */
  private async query<Row>(filter: FleetFilter, sql: string, params: unknown[]): Promise<Row[]> {
    if (!filter.search) return this.dataSource.query<Row[]>(sql, params);
    try {
      return await this.dataSource.transaction(async (manager) => {
        await manager.query(`SET LOCAL statement_timeout = ${SEARCH_STATEMENT_TIMEOUT_MS}`);
        return manager.query<Row[]>(sql, params);
      });
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === QUERY_CANCELED) {
        throw TokenHealthError.invalidInput(
          'search',
          `search took longer than ${SEARCH_STATEMENT_TIMEOUT_MS / 1000} s and was stopped: try a longer or more distinctive part of a client id`,
        );
      }
      throw error;
    }
  }
}

function toFleetRow(row: FleetQueryRow): FleetRow {
  return { ...toHealthRow(row), position: { rank: row.rank, checkedMicros: row.checked_micros, id: row.id } };
}
