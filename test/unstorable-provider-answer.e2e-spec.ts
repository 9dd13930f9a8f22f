// A provider answer with a NUL byte or an absurd lifetime is a malformed answer on every path
// that stores one (registration, connect callback, hand-out): a named refresh_failed verdict or
// a clear failure, never an INTERNAL_SERVER_ERROR or a write PostgreSQL refuses.
import request from 'supertest';
import { ConnectLinkService } from '../src/connect/connect-link.service';
import { OAuthTokenService } from '../src/oauth/oauth-token.service';
import { httpServer } from './factories/http-server';
import { findToken, readToken, seedToken } from './factories/token.factory';
import { FakeOAuthProvider, FakeResponse, zohoSuccess } from './support/fake-oauth-provider';
import { graphqlAsAdmin, REGISTER } from './support/graphql-client';
import { captureLogs, LogCapture } from './support/log-capture';
import { useSecretScan } from './support/secret-scan';
import { startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

useSecretScan();

const UNSTORABLE: [string, FakeResponse, RegExp][] = [
  ['a NUL byte in the scope', zohoSuccess('1000.access-a', { scope: 'ZohoCRM.all\u0000' }), /malformed response: scope contains control/],
  ['a NUL byte in the api domain', zohoSuccess('1000.access-b', { api_domain: '\u0000' }), /malformed response: api_domain contains control/],
  ['an expires_in of 1e13 seconds', zohoSuccess('1000.access-c', { expires_in: 1e13 }), /expires_in of 10000000000000 seconds is out of range/],
  ['an expires_in of 1e16 seconds', zohoSuccess('1000.access-d', { expires_in: 1e16 }), /expires_in of 10000000000000000 seconds is out of range/],
  [
    'a refresh_token_expires_in of 1e13 seconds',
    zohoSuccess('1000.access-e', { refresh_token: '1000.rotated-e', refresh_token_expires_in: 1e13 }),
    /refresh_token_expires_in of 10000000000000 seconds is out of range/,
  ],
];

describe('an unstorable provider answer', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let app: TestApp;
  let logs: LogCapture;

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    app = await startTestApp({ DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: '1' });
  });

  beforeEach(async () => {
    zoho.reset();
    await app.dataSource.query('TRUNCATE oauth_tokens, alert_outbox, oauth_connect_states');
    logs = captureLogs();
  });

  afterEach(() => logs.stop());

  afterAll(async () => {
    await app?.close();
    await zoho?.close();
    await database?.drop();
  });

  it.each(UNSTORABLE)(
    'makes registerOAuthToken answer REFRESH_FAILED naming the reason for %s, with the token kept',
    async (_name, answer, reason) => {
      zoho.whenRefreshing('1000.imported', answer);

      const registered = await graphqlAsAdmin(app, REGISTER, { input: { clientId: 'acme', provider: 'zoho', refreshToken: '1000.imported' } });

      expect(registered.errors).toBeUndefined();
      expect(registered.data!.registerOAuthToken).toMatchObject({ status: 'REFRESH_FAILED', error: expect.stringMatching(reason) });
      expect((await readToken(app, 'acme')).token_status).toBe('refresh_failed');
    },
  );

  it('makes registerOAuthToken answer INVALID for a revoked grant whose error text carries NUL bytes', async () => {
    zoho.whenRefreshing('1000.revoked', { status: 400, body: { error: 'invalid_grant\u0000', error_description: 'revoked\u0000 by the user' } });

    const registered = await graphqlAsAdmin(app, REGISTER, { input: { clientId: 'acme', provider: 'zoho', refreshToken: '1000.revoked' } });

    expect(registered.errors).toBeUndefined();
    expect(registered.data!.registerOAuthToken).toMatchObject({
      status: 'INVALID',
      error: expect.stringMatching(/invalid_grant: revoked by the user/),
    });
  });

  it.each(UNSTORABLE)('makes the connect callback fail with the generic page for %s, storing nothing', async (_name, answer, reason) => {
    const link = new URL(app.get(ConnectLinkService).createLink('acme', 'zoho'));
    const started = await request(httpServer(app)).get(`${link.pathname}${link.search}`).expect(302);
    const state = new URL(started.headers.location).searchParams.get('state')!;
    zoho.whenExchanging('code-1', { ...answer, body: { ...(answer.body as object), refresh_token: '1000.connected' } });

    const page = await request(httpServer(app)).get('/oauth/zoho/callback').query({ code: 'code-1', state });

    expect(page.status).toBe(502);
    expect(page.text).toContain('did not complete the sign-in');
    expect(logs.text).toMatch(reason);
    expect(await findToken(app, 'acme')).toBeUndefined();
  });

  it.each(UNSTORABLE)('makes a hand-out refuse with the reason for %s, and store refresh_failed', async (_name, answer, reason) => {
    const { refreshToken } = await seedToken(app, { clientId: 'acme', expiresInMinutes: -1 });
    zoho.whenRefreshing(refreshToken!, answer);

    await expect(app.get(OAuthTokenService).getAccessToken('acme', 'zoho')).rejects.toThrow(reason);

    const row = await readToken(app, 'acme');
    expect({ status: row.token_status, error: row.health_check_error }).toEqual({ status: 'refresh_failed', error: expect.stringMatching(reason) });
  });
});
