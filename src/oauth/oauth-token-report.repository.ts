import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { OAuthTokenReportRow, toHealthRow } from './oauth-token-rows';
import { effectiveLastHealthCheckSql } from './effective-health-check.sql';
import { TokenHealthRow } from './stored-token';
import { TokenStatus } from './token-status';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';

export interface StatusCount {
  status: TokenStatus;
  count: number;
}

export interface ProviderStatusCount extends StatusCount {
  provider: string;
}

const REPORT_COLUMNS = `client_id, provider, token_status, last_refreshed_at, ${effectiveLastHealthCheckSql('oauth_tokens')} AS last_health_check,
  token_expiry, health_check_error`;

/** Read-only views of `oauth_tokens` for the API, /health and /metrics: never token material. */
@Injectable()
export class OAuthTokenReportRepository {
  constructor(@InjectTokenHealthDataSource() private readonly dataSource: DataSource) {}

  async findReports(clientId?: string): Promise<TokenHealthRow[]> {
    const rows = await this.dataSource.query<OAuthTokenReportRow[]>(
      `SELECT ${REPORT_COLUMNS} FROM oauth_tokens
        WHERE ($1::varchar IS NULL OR client_id = $1)
        ORDER BY client_id, provider`,
      [clientId ?? null],
    );
    return rows.map(toHealthRow);
  }

  async findReport(clientId: string, provider: string, manager: EntityManager = this.dataSource.manager): Promise<TokenHealthRow | undefined> {
    const rows = await manager.query<OAuthTokenReportRow[]>(`SELECT ${REPORT_COLUMNS} FROM oauth_tokens WHERE client_id = $1 AND provider = $2`, [
      clientId,
      provider,
    ]);
    return rows.map(toHealthRow)[0];
  }

  async countByStatus(): Promise<StatusCount[]> {
    const rows = await this.dataSource.query<StatusCount[]>(
      'SELECT token_status AS status, count(*)::int AS count FROM oauth_tokens GROUP BY token_status',
    );
    return rows;
  }

  async countByProviderAndStatus(): Promise<ProviderStatusCount[]> {
    const rows = await this.dataSource.query<ProviderStatusCount[]>(
      'SELECT provider, token_status AS status, count(*)::int AS count FROM oauth_tokens GROUP BY provider, token_status',
    );
    return rows;
  }
}
