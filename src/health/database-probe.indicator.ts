import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ReservedPool } from '../database/reserved-pool';

/**
 * Readiness of the database, asked through the reserved pool: a serving pool saturated by API
 * work does not make the service look down. Probes arriving while a ping is in flight share it,
 * so a flood of probes holds one connection, never the checker's.
 */
@Injectable()
export class DatabaseProbeIndicator {
  private ping?: { answered: Promise<void>; startedAt: number };

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly reserved: ReservedPool,
  ) {}

  async pingCheck(key: string, timeoutMs: number) {
    const indicator = this.indicators.check(key);
    try {
      await withTimeout(this.sharedPing(timeoutMs), timeoutMs);
      return indicator.up();
    } catch (error) {
      // The driver's own words can name the host; the probe says only what failed.
      const timedOut = error instanceof ProbeTimeout;
      return indicator.down({ message: timedOut ? `The database did not answer within ${timeoutMs} ms` : 'The database is not reachable' });
    }
  }

  // A ping older than the timeout is not joined: one stuck on a dead connection must not answer for later probes.
  private sharedPing(timeoutMs: number): Promise<void> {
    if (!this.ping || Date.now() - this.ping.startedAt >= timeoutMs) {
      const ping = {
        answered: this.reserved.dataSource.query('SELECT 1').then(() => undefined),
        startedAt: Date.now(),
      };
      void ping.answered.catch(() => undefined).finally(() => this.ping === ping && (this.ping = undefined));
      this.ping = ping;
    }
    return this.ping.answered;
  }
}

class ProbeTimeout extends Error {}

function withTimeout(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new ProbeTimeout()), timeoutMs)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
