// The built server with every built-in provider and a custom OpenID Connect one
// enabled at once, and the start refused with one line when an issuer cannot be described.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { OidcIssuer } from './support/oidc-issuer';
import { ServerProcess } from './support/server-process';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { TEST_ADMIN_TOKEN, testEnv } from './support/test-app';
import { useSecretScan } from './support/secret-scan';

const scan = useSecretScan();

const MAIN = join(__dirname, '..', 'dist', 'src', 'main.js');
const ALL_SIX = ['zoho', 'google', 'microsoft', 'salesforce', 'hubspot', 'idp'];
const PUBLIC_BASE_URL = 'https://token-health.example.test';

// Each enabled provider's authorize endpoint, where its connect link must send the browser.
const AUTHORIZE = (issuer: string): Record<string, string> => ({
  zoho: 'https://accounts.zoho.com/oauth/v2/auth',
  google: 'https://accounts.google.com/o/oauth2/v2/auth',
  microsoft: 'https://login.microsoftonline.com/contoso.example/oauth2/v2.0/authorize',
  salesforce: 'https://login.salesforce.com/services/oauth2/authorize',
  hubspot: 'https://app.hubspot.com/oauth/authorize',
  idp: `${issuer}/auth`,
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Runs the built server until it exits on its own; for starts that must fail. */
async function runUntilExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH!, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  scan.secretsOfEnv(env);
  scan.captureProcess(child, 'built server (failing start)');
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, output };
}

describe('the provider catalog in the built server', () => {
  let database: TestDatabase;
  let issuer: OidcIssuer;
  let server: ServerProcess | undefined;

  const credentials = Object.fromEntries(
    ALL_SIX.flatMap((name) => [
      [`${name.toUpperCase()}_CLIENT_ID`, `${name}-client-id`],
      [`${name.toUpperCase()}_CLIENT_SECRET`, randomBytes(16).toString('hex')],
    ]),
  );

  beforeAll(async () => {
    database = await createTestDatabase();
    issuer = await OidcIssuer.start([
      { client_id: 'idp-client-id', client_secret: credentials.IDP_CLIENT_SECRET, redirect_uris: [`${PUBLIC_BASE_URL}/oauth/idp/callback`] },
    ]);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await issuer.stop();
    await database.drop();
  });

  it('starts with OAUTH_PROVIDERS=zoho,google,microsoft,salesforce,hubspot,idp and sends each connect link to its provider', async () => {
    server = await ServerProcess.start(
      testEnv({
        DATABASE_URL: database.url,
        PUBLIC_BASE_URL,
        OAUTH_PROVIDERS: ALL_SIX.join(','),
        MICROSOFT_TENANT: 'contoso.example',
        IDP_ISSUER: issuer.issuer,
        ...credentials,
      }),
    );

    for (const provider of ALL_SIX) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        body: JSON.stringify({ query: `mutation { createConnectLink(clientId: "acme", provider: "${provider}") }` }),
      });
      const link = new URL(((await response.json()) as { data: { createConnectLink: string } }).data.createConnectLink);
      const connect = await fetch(`${server.url}${link.pathname}${link.search}`, { redirect: 'manual' });
      const authorize = new URL(connect.headers.get('location')!);

      expect([provider, connect.status, `${authorize.origin}${authorize.pathname}`]).toEqual([provider, 302, AUTHORIZE(issuer.issuer)[provider]]);
      expect(authorize.searchParams.get('client_id')).toBe(`${provider}-client-id`);
      expect(authorize.searchParams.get('redirect_uri')).toBe(`${PUBLIC_BASE_URL}/oauth/${provider}/callback`);
    }
  }, 60_000);

  it('refuses to start, in one line naming IDP_ISSUER, when the issuer is unreachable', async () => {
    const closed = `http://127.0.0.1:${await closedPort()}`;
    const { code, output } = await runUntilExit(
      testEnv({ DATABASE_URL: database.url, OAUTH_PROVIDERS: 'zoho,idp', IDP_ISSUER: closed, OAUTH_DISCOVERY_TIMEOUT_MS: '2000' }),
    );

    expect(code).toBe(1);
    expect(output.trim().split('\n')).toEqual([
      `Invalid configuration: IDP_ISSUER: OpenID Connect discovery at ${closed}/.well-known/openid-configuration failed: unreachable (ECONNREFUSED)`,
    ]);
  });

  it('refuses to start, in one line naming IDP_ISSUER, when a custom provider has neither discovery nor endpoints', async () => {
    const { code, output } = await runUntilExit(testEnv({ DATABASE_URL: database.url, OAUTH_PROVIDERS: 'zoho,idp' }));

    expect(code).toBe(1);
    expect(output.trim()).toMatch(/^Invalid configuration: IDP_ISSUER is required: "idp" is not a built-in provider[^\n]*$/);
  });
});
