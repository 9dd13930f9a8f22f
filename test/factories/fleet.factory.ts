// Seeds many oauth_tokens rows at once for fleet listings. Their token columns hold
// placeholders, not ciphertext: use seedToken for a connection a test will check or connect.
import { TokenStatus } from '../../src/oauth/token-status';
import { TestApp } from '../support/test-app';

export interface FleetSeed {
  count: number;
  /** clientIds are `${prefix}-${n}`, n zero-padded to 4 digits from 1. */
  prefix?: string;
  provider?: string;
  status?: TokenStatus;
  /** Last check this many minutes ago for row 1, one more minute per row (null: never checked). */
  checkedMinutesAgo?: number | null;
}

export async function seedFleet(app: TestApp, seed: FleetSeed): Promise<void> {
  await app.dataSource.query(
    `INSERT INTO oauth_tokens (client_id, provider, access_token, refresh_token, token_status, last_health_check, health_check_error)
     SELECT $1 || '-' || lpad(n::text, 4, '0'), $2, 'placeholder', 'placeholder', $3::varchar,
            CASE WHEN $4::float8 IS NULL THEN NULL ELSE now() - ($4::float8 + n) * interval '1 minute' END,
            CASE WHEN $3::varchar = 'healthy' THEN NULL ELSE 'seeded ' || $3::varchar END
       FROM generate_series(1, $5::int) AS n`,
    [
      seed.prefix ?? 'tenant',
      seed.provider ?? 'zoho',
      seed.status ?? TokenStatus.Healthy,
      seed.checkedMinutesAgo === undefined ? 1 : seed.checkedMinutesAgo,
      seed.count,
    ],
  );
}
