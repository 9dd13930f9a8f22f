import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { InjectTokenHealthDataSource } from '../../database/token-health-data-source-token';

export interface ProviderOutage {
  id: string;
  provider: string;
  since: Date;
  /** Transient failures in the latest cycle that took part in this incident. */
  failures: number;
  /** Refresh attempts in that cycle. */
  attempts: number;
}

/** `provider_outages` columns the statements return. */
interface OutageRow {
  id: string;
  provider: string;
  opened_at: Date;
  failures: number;
  attempts: number;
}

/**
 * SQL of `provider_outages`. Every state change is one conditional statement, so
 * replicas evaluating the same cycle race safely: exactly one of them opens,
 * reminds or closes, and only that one announces it.
 */
@Injectable()
export class ProviderOutageRepository {
  constructor(@InjectTokenHealthDataSource() private readonly dataSource: DataSource) {}

  async listOpen(manager: EntityManager = this.dataSource.manager): Promise<ProviderOutage[]> {
    const rows = await manager.query<OutageRow[]>(
      'SELECT id, provider, opened_at, failures, attempts FROM provider_outages WHERE closed_at IS NULL ORDER BY opened_at, provider',
    );
    return rows.map(toOutage);
  }

  /** Opens an incident unless one is open for the provider; returns it only to the caller that opened it. */
  async open(manager: EntityManager, provider: string, cycleStart: Date, failures: number, attempts: number): Promise<ProviderOutage | undefined> {
    const rows = await manager.query<OutageRow[]>(
      `INSERT INTO provider_outages (provider, last_cycle_at, failures, attempts, last_notified_cycle_at)
       VALUES ($1, $2, $3, $4, $2)
       ON CONFLICT (provider) WHERE closed_at IS NULL DO NOTHING
       RETURNING id, provider, opened_at, failures, attempts`,
      [provider, cycleStart, failures, attempts],
    );
    return rows.map(toOutage)[0];
  }

  /** Takes a cycle's tally into the open incident; a partial tally of the same cycle never lowers the counts. */
  async recordCycle(provider: string, cycleStart: Date, failures: number, attempts: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE provider_outages SET
         failures = CASE WHEN last_cycle_at < $2 THEN $3 WHEN last_cycle_at = $2 THEN GREATEST(failures, $3) ELSE failures END,
         attempts = CASE WHEN last_cycle_at < $2 THEN $4 WHEN last_cycle_at = $2 THEN GREATEST(attempts, $4) ELSE attempts END,
         last_cycle_at = GREATEST(last_cycle_at, $2)
       WHERE provider = $1 AND closed_at IS NULL`,
      [provider, cycleStart, failures, attempts],
    );
  }

  /** Closes the provider's open incident when a later cycle than its last one recovered; returns it to the closer only. */
  async close(manager: EntityManager, provider: string, cycleStart: Date): Promise<ProviderOutage | undefined> {
    const [rows] = await manager.query<[OutageRow[], number]>(
      `UPDATE provider_outages SET closed_at = now()
        WHERE provider = $1 AND closed_at IS NULL AND last_cycle_at < $2
        RETURNING id, provider, opened_at, failures, attempts`,
      [provider, cycleStart],
    );
    return rows.map(toOutage)[0];
  }

  /** Marks a reminder due (once per cycle, at most every `repeatMinutes`) as taken; true for the one caller that took it. */
  async claimReminder(manager: EntityManager, id: string, cycleStart: Date, repeatMinutes: number): Promise<boolean> {
    const [rows] = await manager.query<[{ id: string }[], number]>(
      `UPDATE provider_outages SET last_notified_at = now(), last_notified_cycle_at = $2
        WHERE id = $1 AND closed_at IS NULL AND last_notified_cycle_at < $2
          AND last_notified_at <= now() - $3::float8 * interval '1 minute'
        RETURNING id`,
      [id, cycleStart, repeatMinutes],
    );
    return rows.length > 0;
  }
}

function toOutage(row: OutageRow): ProviderOutage {
  return { id: String(row.id), provider: row.provider, since: row.opened_at, failures: row.failures, attempts: row.attempts };
}
