import { QueryRunner } from 'typeorm';
import { IndexFleetOrder1764000013001 } from '../../migrations/1764000013001-index-fleet-order';
import { STATUS_RANK_SQL } from './token-status.sql';
import { STATUSES_BY_SEVERITY, TokenStatus, severityRank } from './token-status';

describe('STATUS_RANK_SQL', () => {
  it('ranks the statuses from healthy (0) up to invalid, most severe highest', () => {
    expect(STATUSES_BY_SEVERITY.map(severityRank)).toEqual([3, 2, 1, 0]);
    expect(severityRank(TokenStatus.Invalid)).toBe(3);
    expect(severityRank(TokenStatus.Healthy)).toBe(0);
  });

  it('is the expression the fleet-order index was created with, so ordering by it uses that index', async () => {
    const statements: string[] = [];
    const recorder = {
      isTransactionActive: false,
      query: (sql: string) => {
        statements.push(sql);
        return Promise.resolve([{ n: 0 }]);
      },
    } as unknown as QueryRunner;

    await new IndexFleetOrder1764000013001().up(recorder);

    expect(statements.join('\n')).toContain(STATUS_RANK_SQL);
  });
});
