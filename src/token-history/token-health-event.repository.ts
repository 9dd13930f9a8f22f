import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { TokenStatus } from '../oauth/token-status';
import { TokenEventSource } from './token-event-source';
import { TokenHealthEvent } from './token-health-event';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';

/** `token_health_events` columns findForConnection reads. */
interface EventRow {
  at: Date;
  from_status: TokenStatus | null;
  to_status: TokenStatus;
  error: string | null;
  source: TokenEventSource;
}

/**
 * The only code that reads or deletes `token_health_events`. Rows are written
 * by the trigger on oauth_tokens (migration CreateTokenHealthEvents), in the
 * transaction of the status change; writers only name themselves with `tagSource`.
 */
@Injectable()
export class TokenHealthEventRepository {
  constructor(@InjectTokenHealthDataSource() private readonly dataSource: DataSource) {}

  /** Names who is changing statuses in this transaction (read by the trigger; gone at commit). */
  async tagSource(manager: EntityManager, source: TokenEventSource): Promise<void> {
    await manager.query("SELECT set_config('token_health.event_source', $1, true)", [source]);
  }

  /** Marks the events of this transaction as waiting for a verdict written later (a registration's store). */
  async markPending(manager: EntityManager): Promise<void> {
    await manager.query("SELECT set_config('token_health.pending', 'on', true)");
  }

  /** The verdict changed nothing: the stored event is the token's verified status as it stands. */
  async settlePending(tokenId: string): Promise<void> {
    await this.dataSource.query('UPDATE token_health_events SET pending = false WHERE token_id = $1 AND pending', [tokenId]);
  }

  /**
   * The newest event's id (null when there is none). Every insert and every status change of a
   * token writes an event, so an unchanged id means the counts per status are unchanged too.
   */
  async latestEventId(): Promise<string | null> {
    const [row] = await this.dataSource.query<{ id: string | null }[]>('SELECT max(id)::text AS id FROM token_health_events');
    return row?.id ?? null;
  }

  async findForConnection(clientId: string, provider: string, limit: number): Promise<TokenHealthEvent[]> {
    const rows = await this.dataSource.query<EventRow[]>(
      `SELECT at, from_status, to_status, error, source FROM token_health_events
        WHERE client_id = $1 AND provider = $2
        ORDER BY at DESC, id DESC
        LIMIT $3`,
      [clientId, provider, limit],
    );
    return rows.map((row) => ({
      at: row.at,
      fromStatus: row.from_status,
      toStatus: row.to_status,
      error: row.error,
      source: row.source,
    }));
  }

  /** Deletes up to `batchSize` events older than `days`; returns how many went. */
  async deleteOlderThan(days: number, batchSize: number): Promise<number> {
    const [, deleted] = await this.dataSource.query<[unknown, number]>(
      `DELETE FROM token_health_events WHERE id IN (
         SELECT id FROM token_health_events WHERE at < now() - $1::float8 * interval '1 day' LIMIT $2)`,
      [days, batchSize],
    );
    return deleted;
  }
}
