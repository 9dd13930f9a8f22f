import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';

/** The console's session generation (one row): sessions of older generations are over, on every replica. */
@Injectable()
export class ConsoleSessionGenerationRepository {
  constructor(@InjectTokenHealthDataSource() private readonly dataSource: DataSource) {}

  async current(): Promise<number> {
    const rows: { generation: string }[] = await this.dataSource.query('SELECT generation FROM console_session_generation');
    return Number(rows[0]?.generation ?? 0);
  }

  /** Ends every session issued so far; returns the new generation. */
  async advance(): Promise<number> {
    const [rows]: [{ generation: string }[], number] = await this.dataSource.query(
      'UPDATE console_session_generation SET generation = generation + 1, advanced_at = now() RETURNING generation',
    );
    return Number(rows[0]?.generation ?? 0);
  }
}
