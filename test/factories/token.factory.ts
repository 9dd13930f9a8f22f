// Seeds oauth_tokens rows through the real repository (so they are encrypted),
// with overrides for the health-related columns a test cares about.
import { randomBytes } from 'node:crypto';
import { effectiveLastHealthCheckSql } from '../../src/oauth/effective-health-check.sql';
import { OAuthTokenRepository } from '../../src/oauth/oauth-token.repository';
import { OAuthTokenRow } from '../../src/oauth/oauth-token-rows';
import { TokenStatus } from '../../src/oauth/token-status';
import { secretScan } from '../support/secret-scan';
import { TestApp } from '../support/test-app';

export interface TokenSeed {
  clientId?: string;
  provider?: string;
  refreshToken?: string | null;
  accessToken?: string | null;
  /** Minutes from now until the access token expires (negative: already expired; null: unknown). */
  expiresInMinutes?: number | null;
  accountsServer?: string | null;
  status?: TokenStatus;
  lastRefreshedMinutesAgo?: number;
  refreshTokenExpiresInDays?: number;
}

export async function seedToken(app: TestApp, seed: TokenSeed = {}): Promise<{ clientId: string; provider: string; refreshToken: string | null }> {
  const clientId = seed.clientId ?? `client-${randomBytes(4).toString('hex')}`;
  const provider = seed.provider ?? 'zoho';
  const refreshToken = seed.refreshToken === undefined ? `1000.refresh.${randomBytes(8).toString('hex')}` : seed.refreshToken;
  const expiresInMinutes = seed.expiresInMinutes === undefined ? 50 : seed.expiresInMinutes;
  const accessToken = seed.accessToken === undefined ? `1000.access.${randomBytes(8).toString('hex')}` : seed.accessToken;
  secretScan.secret(refreshToken, 'seeded refresh token');
  secretScan.secret(accessToken, 'seeded access token');
  await app.get(OAuthTokenRepository).upsertTokenSet({
    clientId,
    provider,
    refreshToken: refreshToken ?? 'placeholder',
    accessToken,
    accessTokenExpiresAt: expiresInMinutes === null ? null : new Date(Date.now() + expiresInMinutes * 60_000),
    accountsServer: seed.accountsServer ?? null,
    refreshTokenExpiresAt: seed.refreshTokenExpiresInDays === undefined ? null : new Date(Date.now() + seed.refreshTokenExpiresInDays * 86_400_000),
  });
  await app.dataSource.query(
    `UPDATE oauth_tokens SET refresh_token = CASE WHEN $3 THEN NULL ELSE refresh_token END,
            token_status = COALESCE($4, token_status), last_health_check = NULL,
            last_refreshed_at = CASE WHEN $5::float8 IS NULL THEN NULL ELSE now() - $5::float8 * interval '1 minute' END
      WHERE client_id = $1 AND provider = $2`,
    [clientId, provider, refreshToken === null, seed.status ?? null, seed.lastRefreshedMinutesAgo ?? null],
  );
  return { clientId, provider, refreshToken };
}

/** The stored row (token columns still encrypted); fails when there is none. */
export async function readToken(app: TestApp, clientId: string, provider = 'zoho'): Promise<OAuthTokenRow> {
  const row = await findToken(app, clientId, provider);
  if (!row) throw new Error(`no oauth_tokens row for ${clientId}/${provider}`);
  return row;
}

/** The stored row, or undefined when there is none. */
export async function findToken(app: TestApp, clientId: string, provider = 'zoho'): Promise<OAuthTokenRow | undefined> {
  // last_health_check as every surface shows it: a sweep that found the row unchanged did not rewrite it.
  const [row] = await app.dataSource.query<OAuthTokenRow[]>(
    `SELECT *, ${effectiveLastHealthCheckSql('oauth_tokens')} AS last_health_check FROM oauth_tokens WHERE client_id = $1 AND provider = $2`,
    [clientId, provider],
  );
  return row;
}
