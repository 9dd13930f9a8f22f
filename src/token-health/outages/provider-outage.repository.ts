import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { InjectTokenHealthDataSource } from '../../database/token-health-data-source-token';

export interface ProviderOutage {
  id: string;
  provider: string;
  since: Date;
  /** Transient failures in the latest window that confirmed this incident. */
  failures: number;
  /** Refresh attempts in that window. */
  attempts: number;
  /** Null while open; failures attempted before it belong to the incident. */
  closedAt: Date | null;
}

/** `provider_outages` columns the statements return. */
interface OutageRow {
  id: string;
  provider: string;
  opened_at: Date;
  failures: number;
  attempts: number;
  closed_at: Date | null;
}

const COLUMNS = 'id, provider, opened_at, failures, attempts, closed_at';

/**
 * SQL of `provider_outages`. Every state change is one conditional statement, so
 * replicas evaluating the same window race safely: exactly one of them opens,
 * reminds or closes, and only that one announces it. `last_cycle_at` holds the
 * database time of the last window that confirmed the incident.
 */
@Injectable()
export class ProviderOutageRepository {
  constructor(@InjectTokenHealthDataSource() private readonly dataSource: DataSource) {}

  async listOpen(manager: EntityManager = this.dataSource.manager): Promise<ProviderOutage[]> {
    const rows = await manager.query<OutageRow[]>(`SELECT ${COLUMNS} FROM provider_outages WHERE closed_at IS NULL ORDER BY opened_at, provider`);
    return rows.map(toOutage);
  }

  /** The latest closed incident of each provider (its failures stay covered until those tokens are tried again). */
  async listLatestClosed(): Promise<ProviderOutage[]> {
    const rows = await this.dataSource.query<OutageRow[]>(
      `SELECT DISTINCT ON (provider) ${COLUMNS} FROM provider_outages WHERE closed_at IS NOT NULL ORDER BY provider, closed_at DESC`,
    );
    return rows.map(toOutage);
  }

  /** Opens an incident unless one is open for the provider; returns it only to the caller that opened it. */
  async open(manager: EntityManager, provider: string, windowAt: Date, failures: number, attempts: number): Promise<ProviderOutage | undefined> {
    const rows = await manager.query<OutageRow[]>(
      `INSERT INTO provider_outages (provider, last_cycle_at, failures, attempts, last_notified_cycle_at)
       VALUES ($1, $2, $3, $4, $2)
       ON CONFLICT (provider) WHERE closed_at IS NULL DO NOTHING
       RETURNING ${COLUMNS}`,
      [provider, windowAt, failures, attempts],
    );
    return rows.map(toOutage)[0];
  }

  /** Takes a confirming window into the open incident; an older window read by a slower replica never moves it back. */
  async confirm(provider: string, windowAt: Date, failures: number, attempts: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE provider_outages SET failures = $3, attempts = $4, last_cycle_at = $2
        WHERE provider = $1 AND closed_at IS NULL AND last_cycle_at < $2`,
      [provider, windowAt, failures, attempts],
    );
  }

  /** Closes the provider's open incident; returns it to the closer only. */
  async close(manager: EntityManager, provider: string): Promise<ProviderOutage | undefined> {
    const [rows] = await manager.query<[OutageRow[], number]>(
      `UPDATE provider_outages SET closed_at = now() WHERE provider = $1 AND closed_at IS NULL RETURNING ${COLUMNS}`,
      [provider],
    );
    return rows.map(toOutage)[0];
  }

  /**
   * Marks a reminder due (once per evaluation round, at most every `repeatMinutes`) as taken; true for the
   * one caller that took it. Replicas ending the same cycle share its start as `round`.
   */
  async claimReminder(manager: EntityManager, id: string, round: Date, repeatMinutes: number): Promise<boolean> {
    const [rows] = await manager.query<[{ id: string }[], number]>(
      `UPDATE provider_outages SET last_notified_at = now(), last_notified_cycle_at = $2
        WHERE id = $1 AND closed_at IS NULL AND last_notified_cycle_at < $2
          AND last_notified_at <= now() - $3::float8 * interval '1 minute'
        RETURNING id`,
      [id, round, repeatMinutes],
    );
    return rows.length > 0;
  }
}

function toOutage(row: OutageRow): ProviderOutage {
  return {
    id: String(row.id),
    provider: row.provider,
    since: row.opened_at,
    failures: row.failures,
    attempts: row.attempts,
    closedAt: row.closed_at,
  };
}
