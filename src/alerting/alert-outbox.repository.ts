import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Alert } from './alert';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';

export interface OutboxEntry {
  id: string;
  channel: string;
  alert: Alert;
  attempts: number;
}

export interface OutboxBacklogRow {
  channel: string;
  count: number;
  oldestAgeSeconds: number;
}

/** A row claim returns; `payload` is the jsonb the alert was enqueued as. */
interface ClaimedRow {
  id: string;
  channel: string;
  payload: Alert;
  attempts: number;
}

/** SQL of the `alert_outbox` table: enqueue, claim with a lease, settle. */
@Injectable()
export class AlertOutboxRepository {
  constructor(@InjectTokenHealthDataSource() private readonly dataSource: DataSource) {}

  async enqueue(alert: Alert, channels: string[], manager: EntityManager = this.dataSource.manager): Promise<void> {
    if (channels.length === 0) return;
    await manager.query(
      `INSERT INTO alert_outbox (channel, severity, payload)
       SELECT channel, $2, $3::jsonb FROM unnest($1::varchar[]) AS channel`,
      [channels, alert.severity, JSON.stringify(alert)],
    );
  }

  /**
   * Leases due entries of one channel. The lease (not a held transaction) marks
   * them taken, so a slow delivery holds no lock and a crashed process's lease expires.
   */
  async claim(channel: string, limit: number, leaseSeconds: number): Promise<OutboxEntry[]> {
    const [rows] = await this.dataSource.query<[ClaimedRow[], number]>(
      `UPDATE alert_outbox o SET locked_until = now() + $3::float8 * interval '1 second', attempts = o.attempts + 1
       FROM (SELECT id FROM alert_outbox
              WHERE channel = $1 AND status = 'pending' AND next_attempt_at <= now()
                AND (locked_until IS NULL OR locked_until < now())
              ORDER BY next_attempt_at, id
              LIMIT $2
              FOR UPDATE SKIP LOCKED) due
       WHERE o.id = due.id
       RETURNING o.id, o.channel, o.payload, o.attempts`,
      [channel, limit, leaseSeconds],
    );
    return rows.map((row) => ({ id: String(row.id), channel: row.channel, alert: row.payload, attempts: row.attempts }));
  }

  async markSent(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE alert_outbox SET status = 'sent', sent_at = now(), locked_until = NULL, last_error = NULL WHERE id = $1`, [
      id,
    ]);
  }

  async markFailed(id: string, reason: string): Promise<void> {
    await this.dataSource.query(`UPDATE alert_outbox SET status = 'failed', locked_until = NULL, last_error = $2 WHERE id = $1`, [id, reason]);
  }

  async scheduleRetry(id: string, delaySeconds: number, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE alert_outbox SET locked_until = NULL, last_error = $3,
              next_attempt_at = now() + $2::float8 * interval '1 second'
        WHERE id = $1`,
      [id, delaySeconds, reason],
    );
  }

  /** Deletes up to `limit` sent or failed rows created more than `days` ago; pending rows are never deleted. */
  async deleteSettledOlderThan(days: number, limit: number): Promise<number> {
    const [, deleted]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM alert_outbox
        WHERE id IN (SELECT id FROM alert_outbox
                      WHERE status <> 'pending' AND created_at < now() - $1::float8 * interval '1 day'
                      LIMIT $2)`,
      [days, limit],
    );
    return deleted;
  }

  /** Served by the partial index of pending rows, which stays small while deliveries keep up. */
  async pendingByChannel(): Promise<OutboxBacklogRow[]> {
    const rows: { channel: string; count: string; oldest_age_seconds: number }[] = await this.dataSource.query(
      `SELECT channel, count(*) AS count, extract(epoch FROM now() - min(created_at))::float8 AS oldest_age_seconds
         FROM alert_outbox WHERE status = 'pending' GROUP BY channel`,
    );
    return rows.map((row) => ({ channel: row.channel, count: Number(row.count), oldestAgeSeconds: Math.max(0, row.oldest_age_seconds) }));
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows: { status: string; count: string }[] = await this.dataSource.query(
      'SELECT status, count(*) AS count FROM alert_outbox GROUP BY status',
    );
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }
}
