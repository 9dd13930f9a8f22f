import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InjectTokenHealthDataSource } from './token-health-data-source-token';

/** The database's clock, which stamps `last_health_check`; comparing with it is immune to app/database clock skew. */
@Injectable()
export class DatabaseClock {
  constructor(@InjectTokenHealthDataSource() private readonly dataSource: DataSource) {}

  async now(): Promise<Date> {
    const [row]: { now: Date }[] = await this.dataSource.query('SELECT clock_timestamp() AS now');
    return row.now;
  }
}
