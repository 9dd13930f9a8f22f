// The result writer on real PostgreSQL: a batch that fails on one row's values is written row
// by row, so that row alone is affected, and it keeps the tokens the provider issued.
import { randomBytes } from 'node:crypto';
import { OAuthTokenLeaseRepository, RefreshResult } from '../src/oauth/oauth-token-lease.repository';
import { RefreshResultWriter } from '../src/oauth/refresh-result.writer';
import { TokenCipher } from '../src/oauth/token-cipher';
import { TokenStatus } from '../src/oauth/token-status';
import { readToken, seedToken } from './factories/token.factory';
import { captureLogs, LogCapture } from './support/log-capture';
import { useSecretScan } from './support/secret-scan';
import { startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

const scan = useSecretScan();

const RESULTS = 20;

describe(RefreshResultWriter.name, () => {
  let database: TestDatabase;
  let app: TestApp;
  let logs: LogCapture;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ DATABASE_URL: database.url });
    logs = captureLogs();
  });

  afterAll(async () => {
    logs?.stop();
    await app?.close();
    await database?.drop();
  });

  const storedRefreshToken = async (clientId: string) => {
    const row = await readToken(app, clientId);
    return app.get(TokenCipher).decrypt(row.refresh_token!, { clientId, provider: 'zoho', column: 'refresh_token' });
  };

  it('writes a batch that fails on one row row by row: the others land, that row is refresh_failed and keeps its rotated token', async () => {
    const leases = app.get(OAuthTokenLeaseRepository);
    const results: RefreshResult[] = [];
    for (let i = 0; i < RESULTS; i++) {
      const { clientId } = await seedToken(app, { clientId: `tenant-${i}` });
      const leased = (await leases.claimOne((await readToken(app, clientId)).id, 60))!;
      const rotated = scan.secret(`1000.rotated.${randomBytes(12).toString('hex')}`, 'rotated refresh token');
      results.push({
        id: leased.id,
        clientId,
        provider: 'zoho',
        leaseUntil: leased.leaseUntil,
        presentedRefreshToken: leased.sealedRefreshToken,
        attempted: true,
        verdict: { status: TokenStatus.Healthy, error: null },
        tokenSet: {
          accessToken: scan.secret(`1000.access.${randomBytes(12).toString('hex')}`),
          refreshToken: rotated,
          accessTokenExpiresAt: new Date(Date.now() + 3_600_000),
        },
      });
    }
    // Values no adapter lets through, as a future path might: a NUL byte and a date PostgreSQL cannot read.
    results[9].verdict = { status: TokenStatus.RefreshFailed, error: 'unexpected\u0000error' };
    results[14].tokenSet!.accessTokenExpiresAt = new Date(Number.NaN);
    const sut = new RefreshResultWriter(leases);

    for (const result of results) sut.add(result);
    await sut.drained();

    expect(sut.landed).toBe(RESULTS);
    for (const [i, result] of results.entries()) {
      const row = await readToken(app, result.clientId);
      const unstorable = i === 9 || i === 14;
      expect({ i, status: row.token_status, lease: row.health_check_lease_until }).toEqual({
        i,
        status: unstorable ? TokenStatus.RefreshFailed : TokenStatus.Healthy,
        lease: null,
      });
      if (unstorable) expect(row.health_check_error).toMatch(/the provider's answer could not be stored \(database error 22\w{3}\)/);
      if (result.tokenSet) expect(await storedRefreshToken(result.clientId)).toBe(result.tokenSet.refreshToken);
    }
    expect(logs.text).not.toMatch(/Could not store \d+ refresh results/);
  });
});
