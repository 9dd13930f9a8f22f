import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';
import { LinkedConnectTarget } from './oauth-state.store';

/** When each connection last completed the connect flow: links signed before that are spent. */
@Injectable()
export class ConnectCompletionRepository {
  constructor(@InjectTokenHealthDataSource() private readonly dataSource: DataSource) {}

  /** True when a connect of this connection completed after the link was signed. */
  async isSpent(link: LinkedConnectTarget): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      'SELECT 1 FROM oauth_connect_completions WHERE client_id = $1 AND provider = $2 AND completed_at >= $3',
      [link.clientId, link.provider, new Date(link.linkIssuedAt)],
    );
    return rows.length > 0;
  }

  /**
   * Records a completed connect, in the transaction that stores its token set; false when the link
   * was spent meanwhile. One statement decides: of two callbacks from the same link, one records.
   */
  async complete(manager: EntityManager, link: LinkedConnectTarget, now = new Date()): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO oauth_connect_completions AS c (client_id, provider, completed_at) VALUES ($1, $2, GREATEST($3::timestamptz, $4::timestamptz))
       ON CONFLICT (client_id, provider) DO UPDATE SET completed_at = GREATEST(c.completed_at, EXCLUDED.completed_at)
        WHERE c.completed_at < $3
       RETURNING 1`,
      [link.clientId, link.provider, new Date(link.linkIssuedAt), now],
    );
    return rows.length > 0;
  }
}
