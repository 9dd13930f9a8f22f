// Issue 11, items 4 and 11: a key rotation completes (every value moves to the new key, so the
// old one can be dropped), v1 values move to row-bound v2, and links survive the rotation.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { ConnectLinkService } from '../src/connect/connect-link.service';
import { TokenCipher } from '../src/oauth/token-cipher';
import { TokenReencryptionSweeper } from '../src/oauth/token-reencryption.sweeper';
import { TokenStatus } from '../src/oauth/token-status';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { readToken, seedToken } from './factories/token.factory';
import { FakeOAuthProvider, zohoSuccess } from './support/fake-oauth-provider';
import { legacyV1Ciphertext } from './support/legacy-ciphertext';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { useSecretScan } from './support/secret-scan';
import { httpServer } from './factories/http-server';

useSecretScan();

const OLD_KEY = randomBytes(32).toString('hex');
const NEW_KEY = randomBytes(32).toString('hex');

describe(TokenReencryptionSweeper.name, () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  const apps: TestApp[] = [];

  const start = async (env: Record<string, string>) => {
    const app = await startTestApp({ DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1', ...env });
    apps.push(app);
    return app;
  };
  const stop = async (app: TestApp) => {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  };
  const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;
  const storedValues = async (app: TestApp): Promise<string[]> =>
    (
      await app.dataSource.query<{ access_token: string | null; refresh_token: string | null }[]>(
        'SELECT access_token, refresh_token FROM oauth_tokens',
      )
    )
      .flatMap((row) => [row.access_token, row.refresh_token])
      .filter((value: string | null): value is string => value !== null);

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
  });

  beforeEach(() => zoho.reset());

  afterEach(async () => {
    // The next test starts under another key: rows left under this one would (rightly) stop its start.
    await apps[0]?.dataSource.query('TRUNCATE oauth_tokens');
    for (const app of [...apps]) await stop(app);
  });

  afterAll(async () => {
    await zoho?.close();
    await database?.drop();
  });

  it('completes a key rotation: after one cycle and the background pass the old key can be dropped and every token still works', async () => {
    const before = await start({ TOKEN_ENCRYPTION_KEY: OLD_KEY });
    await before.dataSource.query('TRUNCATE oauth_tokens, oauth_connect_states');
    const due = await seedToken(before, { clientId: 'due', expiresInMinutes: 5 });
    const idle = await seedToken(before, { clientId: 'idle', expiresInMinutes: 24 * 60 });
    await seedToken(before, { clientId: 'first-release', expiresInMinutes: 24 * 60 });
    await before.dataSource.query(`UPDATE oauth_tokens SET access_token = $1, refresh_token = $2 WHERE client_id = 'first-release'`, [
      legacyV1Ciphertext(OLD_KEY, '1000.first-release-access'),
      legacyV1Ciphertext(OLD_KEY, '1000.first-release-refresh'),
    ]);
    const link = before.get(ConnectLinkService).createLink('newcomer', 'zoho');
    const issued = await request(httpServer(before)).get(pathOf(link)).expect(302);
    const stateFromBefore = new URL(issued.headers.location).searchParams.get('state')!;
    await stop(before);

    // Rotation: the new key is current, the old one listed as previous. Zoho does not rotate refresh tokens.
    const during = await start({ TOKEN_ENCRYPTION_KEY: NEW_KEY, TOKEN_ENCRYPTION_PREVIOUS_KEYS: OLD_KEY });
    await during.get(TokenHealthService).checkAndAlert();
    expect(zoho.refreshCount(due.refreshToken!)).toBe(1);
    await during.get(TokenReencryptionSweeper).runPass();
    const newPrefix = new TokenCipher(Buffer.from(NEW_KEY, 'hex')).currentPrefix;
    const values = await storedValues(during);
    expect(values).toHaveLength(6);
    expect(values.filter((value) => !value.startsWith(newPrefix))).toEqual([]);
    // Links and states signed before the rotation still work while the old key is listed.
    await request(httpServer(during)).get(pathOf(link)).expect(302);
    zoho.whenExchanging('code-1', zohoSuccess('1000.newcomer-access', { refresh_token: '1000.newcomer-refresh' }));
    await request(httpServer(during)).get('/oauth/zoho/callback').query({ code: 'code-1', state: stateFromBefore }).expect(200);
    await stop(during);

    const after = await start({ TOKEN_ENCRYPTION_KEY: NEW_KEY });
    await after.dataSource.query(
      `UPDATE oauth_tokens SET token_expiry = now() - interval '1 minute', last_refreshed_at = NULL, last_refresh_attempt_at = NULL`,
    );
    zoho.reset();
    const reports = await after.get(TokenHealthService).checkAndAlert();

    expect(reports.map((report) => [report.clientId, report.status])).toEqual(
      ['due', 'first-release', 'idle', 'newcomer'].map((clientId) => [clientId, TokenStatus.Healthy]),
    );
    expect(zoho.requests.map((r) => r.refreshToken).sort()).toEqual(
      [due.refreshToken, idle.refreshToken, '1000.first-release-refresh', '1000.newcomer-refresh'].sort(),
    );
    await request(httpServer(after)).get(pathOf(link)).expect(400);
  });

  it('moves a v1 value to row-bound v2 when its row is written, also when the provider does not rotate the refresh token', async () => {
    const app = await start({ TOKEN_ENCRYPTION_KEY: OLD_KEY });
    await app.dataSource.query('TRUNCATE oauth_tokens');
    await seedToken(app, { clientId: 'first-release', expiresInMinutes: 5 });
    await app.dataSource.query(`UPDATE oauth_tokens SET access_token = $1, refresh_token = $2 WHERE client_id = 'first-release'`, [
      legacyV1Ciphertext(OLD_KEY, '1000.first-release-access'),
      legacyV1Ciphertext(OLD_KEY, '1000.first-release-refresh'),
    ]);

    await app.get(TokenHealthService).checkClientTokens('first-release');

    expect(zoho.refreshCount('1000.first-release-refresh')).toBe(1);
    const row = await readToken(app, 'first-release');
    expect(row.refresh_token).toMatch(/^v2:/);
    expect(row.access_token).toMatch(/^v2:/);
  });

  it('treats refresh tokens swapped between rows as unreadable: both refresh_failed, and neither is sent to the provider', async () => {
    const app = await start({ TOKEN_ENCRYPTION_KEY: NEW_KEY });
    await app.dataSource.query('TRUNCATE oauth_tokens');
    await seedToken(app, { clientId: 'alice', expiresInMinutes: 5 });
    await seedToken(app, { clientId: 'bob', expiresInMinutes: 5 });
    await app.dataSource.query(`
      UPDATE oauth_tokens t SET refresh_token = o.refresh_token
        FROM oauth_tokens o
       WHERE t.client_id IN ('alice', 'bob') AND o.client_id IN ('alice', 'bob') AND o.client_id <> t.client_id`);

    await app.get(TokenHealthService).checkAndAlert();

    for (const clientId of ['alice', 'bob']) {
      expect(await readToken(app, clientId)).toMatchObject({
        token_status: TokenStatus.RefreshFailed,
        health_check_error: 'stored token unreadable (re-register or re-connect)',
      });
    }
    expect(zoho.requests).toHaveLength(0);
  });
});
