// A provider whose answers for a few tokens of a 500-token cycle carry NUL bytes and absurd
// lifetimes: those tokens end with a verdict naming the reason, every other result is stored,
// rotated refresh tokens included, and no batch is given up.
import { randomBytes } from 'node:crypto';
import { TokenCipher } from '../../src/oauth/token-cipher';
import { readToken, seedToken } from '../factories/token.factory';
import { FakeOAuthProvider, FakeResponse, zohoSuccess } from '../support/fake-oauth-provider';
import { CHECK_TOKEN_HEALTH, graphqlAsAdmin } from '../support/graphql-client';
import { captureLogs, LogCapture } from '../support/log-capture';
import { useSecretScan } from '../support/secret-scan';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const scan = useSecretScan();

const TOKENS = 500;
const fresh = () => `1000.${randomBytes(16).toString('hex')}`;

// What each bad token's answer carries, and what its stored verdict must say.
const BAD_ANSWERS: { name: string; answer: FakeResponse; status: string; reason: RegExp }[] = [
  {
    name: 'nul-in-description',
    answer: { status: 400, body: { error: 'invalid_grant', error_description: 'revoked\u0000by the user' } },
    status: 'INVALID',
    reason: /invalid_grant: revokedby the user/,
  },
  {
    name: 'nul-in-error',
    answer: { status: 400, body: { error: 'invalid_grant\u0000' } },
    status: 'INVALID',
    reason: /rejected the grant \(invalid_grant\)/,
  },
  {
    name: 'nul-in-message',
    answer: { status: 400, body: { status: 'fail\u0000ure', message: 'no\u0000pe' } },
    status: 'REFRESH_FAILED',
    reason: /unrecognised error \(failure: nope\)/,
  },
  { name: 'nul-in-scope', answer: zohoSuccess(fresh(), { scope: 'ZohoCRM.\u0000all' }), status: 'REFRESH_FAILED', reason: /scope contains control/ },
  {
    name: 'nul-in-api-domain',
    answer: zohoSuccess(fresh(), { api_domain: 'https://www.zohoapis.com\u0000' }),
    status: 'REFRESH_FAILED',
    reason: /api_domain contains control/,
  },
  {
    name: 'nul-in-refresh-token',
    answer: zohoSuccess(fresh(), { refresh_token: `${fresh()}\u0000` }),
    status: 'REFRESH_FAILED',
    reason: /refresh_token contains control/,
  },
  {
    name: 'expires-in-1e13',
    answer: zohoSuccess(fresh(), { expires_in: 1e13 }),
    status: 'REFRESH_FAILED',
    reason: /expires_in of 10000000000000 seconds is out of range/,
  },
  {
    name: 'expires-in-1e16',
    answer: zohoSuccess(fresh(), { expires_in: 1e16 }),
    status: 'REFRESH_FAILED',
    reason: /expires_in of 10000000000000000 seconds is out of range/,
  },
  {
    name: 'refresh-expires-in-1e13',
    answer: zohoSuccess(fresh(), { refresh_token: fresh(), refresh_token_expires_in: 1e13 }),
    status: 'REFRESH_FAILED',
    reason: /refresh_token_expires_in of 10000000000000 seconds is out of range/,
  },
];

interface Report {
  clientId: string;
  status: string;
  error: string | null;
}

describe('one bad provider answer in a batch of 500', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let app: TestApp;
  let logs: LogCapture;
  // Refresh token each good token was seeded with → the one the provider rotated it to.
  const rotatedTo = new Map<string, string>();

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    app = await startTestApp({
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1',
      TOKEN_HEALTH_CONCURRENCY: '50',
      // What is tested is the answers' content: a loaded machine must not turn a slow answer into a timeout verdict.
      TOKEN_HEALTH_PROVIDER_TIMEOUT_MS: '30000',
    });
    // Every good answer rotates the refresh token: a lost result would lose the grant.
    zoho.defaultBehaviour = (request) => {
      const rotated = fresh();
      rotatedTo.set(request.refreshToken!, rotated);
      return zohoSuccess(fresh(), { refresh_token: rotated });
    };
    logs = captureLogs();
  });

  afterAll(async () => {
    logs?.stop();
    await app?.close();
    await zoho?.close();
    await database?.drop();
  });

  it('stores the verdict of each bad answer with its reason and every other result, rotated refresh tokens included', async () => {
    const seeded: { clientId: string; refreshToken: string }[] = [];
    for (let start = 0; start < TOKENS; start += 50) {
      const chunk = Array.from({ length: Math.min(50, TOKENS - start) }, (_, i) =>
        seedToken(app, { clientId: `tenant-${String(start + i).padStart(3, '0')}`, expiresInMinutes: 5 }),
      );
      seeded.push(...((await Promise.all(chunk)) as { clientId: string; refreshToken: string }[]));
    }
    // Spread among the others, so each shares its batch with good results.
    const bad = new Map(BAD_ANSWERS.map((entry, i) => [seeded[25 + i * 50].clientId, entry]));
    for (const { clientId, refreshToken } of seeded) {
      const entry = bad.get(clientId);
      if (entry) zoho.whenRefreshing(refreshToken, entry.answer);
    }

    const answer = await graphqlAsAdmin(app, CHECK_TOKEN_HEALTH);

    expect(answer.errors).toBeUndefined();
    const reports = new Map((answer.data!.checkTokenHealth as Report[]).map((report) => [report.clientId, report]));
    expect(reports.size).toBe(TOKENS);
    for (const [clientId, entry] of bad) {
      expect({ clientId, status: reports.get(clientId)!.status }).toEqual({ clientId, status: entry.status });
      expect(reports.get(clientId)!.error).toMatch(entry.reason);
    }
    const cipher = app.get(TokenCipher);
    const good = seeded.filter(({ clientId }) => !bad.has(clientId));
    const stored = await Promise.all(
      good.map(async ({ clientId, refreshToken }) => {
        const row = await readToken(app, clientId);
        const storedToken = cipher.decrypt(row.refresh_token!, { clientId, provider: 'zoho', column: 'refresh_token' });
        return { status: reports.get(clientId)!.status, rotatedAndStored: storedToken === rotatedTo.get(refreshToken) };
      }),
    );
    expect(stored.filter((row) => row.status !== 'HEALTHY' || !row.rotatedAndStored)).toEqual([]);
    expect(zoho.refreshCount()).toBe(TOKENS);
    expect(logs.text).not.toMatch(/Could not store/);
    expect(scan.size.secrets).toBeGreaterThan(TOKENS);
  });
});
