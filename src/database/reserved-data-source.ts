import { OnApplicationShutdown } from '@nestjs/common';
import { DataSource, DataSourceOptions } from 'typeorm';

/**
 * A small pool of its own on the module's database, beside the host's (serving) pool, for the
 * work that must never queue behind API requests: the checker's claims and sweep, every write of
 * a provider's answer, and /health's probe. Opened from the serving DataSource's own options, so
 * it reaches the same database as the same role.
 */
export class ReservedDataSource implements OnApplicationShutdown {
  constructor(readonly dataSource: DataSource) {}

  static async open(serving: DataSource, connections: number): Promise<ReservedDataSource> {
    const options = serving.options as DataSourceOptions & { extra?: Record<string, unknown> };
    const dataSource = new DataSource({
      ...options,
      migrationsRun: false,
      synchronize: false,
      dropSchema: false,
      extra: { ...options.extra, max: connections },
    } as DataSourceOptions);
    return new ReservedDataSource(await dataSource.initialize());
  }

  // After every beforeApplicationShutdown hook: the cycles and hand-outs in flight have written their results.
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
