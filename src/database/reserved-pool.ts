import { OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * A small pool of its own on the module's database, beside the host's (serving) pool, for the
 * work that must never queue behind API requests: the checker's claims and sweep, every write of
 * a provider's answer, and /health's probe. Opened from the serving DataSource's own options, so
 * it reaches the same database as the same role.
 */
export class ReservedPool implements OnApplicationShutdown {
  constructor(readonly dataSource: DataSource) {}

  static async open(serving: DataSource, connections: number): Promise<ReservedPool> {
    const extra = (serving.options as { extra?: Record<string, unknown> }).extra;
    const options = { ...serving.options, migrationsRun: false, synchronize: false, dropSchema: false, extra: { ...extra, max: connections } };
    return new ReservedPool(await new DataSource(options).initialize());
  }

  // After every beforeApplicationShutdown hook: the cycles and hand-outs in flight have written their results.
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
