import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { InjectTokenHealthDataSource } from '../../database/token-health-data-source-token';
import { CONFIGURATION_FAILURE_SQL } from '../../oauth/token-alert-state.repository';

/** SQL of `provider_configuration_incidents`: one row while a provider without app credentials has failing tokens. */
@Injectable()
export class ProviderConfigurationRepository {
  constructor(@InjectTokenHealthDataSource() private readonly dataSource: DataSource) {}

  /** Tokens of each of `providers` that failed for our configuration. */
  async countAffected(providers: string[]): Promise<Map<string, number>> {
    const rows = await this.dataSource.query<{ provider: string; affected: number }[]>(
      `SELECT provider, count(*)::int AS affected FROM oauth_tokens
        WHERE provider = ANY($1::varchar[]) AND ${CONFIGURATION_FAILURE_SQL}
        GROUP BY provider`,
      [providers],
    );
    return new Map(rows.map((row) => [row.provider, row.affected]));
  }

  /** True when this call opened the incident (no other replica had). */
  async open(manager: EntityManager, provider: string, affected: number): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO provider_configuration_incidents (provider, affected) VALUES ($1, $2)
       ON CONFLICT (provider) DO NOTHING RETURNING provider`,
      [provider, affected],
    );
    return rows.length === 1;
  }

  /** True when a reminder is due and this call took it. */
  async takeReminder(manager: EntityManager, provider: string, affected: number, repeatMinutes: number): Promise<boolean> {
    const [rows] = await manager.query<[unknown[], number]>(
      `UPDATE provider_configuration_incidents SET last_alerted_at = now(), affected = $2
        WHERE provider = $1 AND last_alerted_at <= now() - $3::float8 * interval '1 minute'
        RETURNING provider`,
      [provider, affected, repeatMinutes],
    );
    return rows.length === 1;
  }

  /** Closes the incidents of every provider but `stillMissing`; returns the providers closed by this call. */
  async closeAllBut(manager: EntityManager, stillMissing: string[]): Promise<string[]> {
    const [rows] = await manager.query<[{ provider: string }[], number]>(
      `DELETE FROM provider_configuration_incidents WHERE provider <> ALL($1::varchar[]) RETURNING provider`,
      [stillMissing],
    );
    return rows.map((row) => row.provider);
  }
}
