import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Alert } from './alert';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';

export interface OutboxEntry {
  id: string;
  channel: string;
  alert: Alert;
  attempts: number;
  /** The lease's end as stored (microseconds kept): a settle or renewal succeeds only while it is unchanged. */
  lease: string;
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
  lease: string;
}

// Only while the lease is still ours: a later claim by another replica moves locked_until on (it is strictly increasing).
const LEASE_IS_OURS = `id = $1 AND status = 'pending' AND locked_until = $2::timestamptz`;

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
   * Each entry's lease is renewed just before its delivery (`startDelivery`).
   */
  async claim(channel: string, limit: number, leaseSeconds: number): Promise<OutboxEntry[]> {
    const [rows] = await this.dataSource.query<[ClaimedRow[], number]>(
      `UPDATE alert_outbox o SET locked_until = now() + $3::float8 * interval '1 second'
       FROM (SELECT id FROM alert_outbox
              WHERE channel = $1 AND status = 'pending' AND next_attempt_at <= now()
                AND (locked_until IS NULL OR locked_until < now())
              ORDER BY next_attempt_at, id
              LIMIT $2
              FOR UPDATE SKIP LOCKED) due
       WHERE o.id = due.id
       RETURNING o.id, o.channel, o.payload, o.attempts, o.locked_until::text AS lease`,
      [channel, limit, leaseSeconds],
    );
    return rows.map((row) => ({ id: String(row.id), channel: row.channel, alert: row.payload, attempts: row.attempts, lease: row.lease }));
  }

  /**
   * Renews one entry's lease for one delivery and counts the attempt. Undefined when the
   * lease is no longer ours (it ran out and another replica claimed the entry): skip it.
   */
  async startDelivery(entry: OutboxEntry, leaseSeconds: number): Promise<OutboxEntry | undefined> {
    const [rows] = await this.dataSource.query<[{ attempts: number; lease: string }[], number]>(
      `UPDATE alert_outbox SET locked_until = now() + $3::float8 * interval '1 second', attempts = attempts + 1
        WHERE ${LEASE_IS_OURS}
        RETURNING attempts, locked_until::text AS lease`,
      [entry.id, entry.lease, leaseSeconds],
    );
    return rows.length === 1 ? { ...entry, attempts: rows[0].attempts, lease: rows[0].lease } : undefined;
  }

  /** The settle methods answer false when the lease was no longer ours, so nothing was changed. */
  async markSent(entry: OutboxEntry): Promise<boolean> {
    return this.settle(`status = 'sent', sent_at = now(), locked_until = NULL, last_error = NULL`, entry, []);
  }

  async markFailed(entry: OutboxEntry, reason: string): Promise<boolean> {
    return this.settle(`status = 'failed', locked_until = NULL, last_error = $3`, entry, [reason]);
  }

  async scheduleRetry(entry: OutboxEntry, delaySeconds: number, reason: string): Promise<boolean> {
    return this.settle(`locked_until = NULL, last_error = $3, next_attempt_at = now() + $4::float8 * interval '1 second'`, entry, [
      reason,
      delaySeconds,
    ]);
  }

  private async settle(assignments: string, entry: OutboxEntry, values: unknown[]): Promise<boolean> {
    const [, changed] = await this.dataSource.query<[unknown, number]>(`UPDATE alert_outbox SET ${assignments} WHERE ${LEASE_IS_OURS}`, [
      entry.id,
      entry.lease,
      ...values,
    ]);
    return changed === 1;
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
