// Our own faults stop the built server's start with one line naming what to fix, instead of
// being discovered one token (and one customer alert) at a time.
import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { seedToken } from './factories/token.factory';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { useSecretScan } from './support/secret-scan';
import { ServerProcess } from './support/server-process';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, testEnv } from './support/test-app';
import { WebhookSink } from './support/webhook-sink';

const scan = useSecretScan();

const keyIdOf = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex').slice(0, 8);

describe('Start refusals for our own configuration faults', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let slack: WebhookSink;

  beforeAll(async () => {
    database = await createTestDatabase();
    [zoho, slack] = await Promise.all([FakeOAuthProvider.start(), WebhookSink.start()]);
  });

  afterAll(async () => {
    await Promise.all([zoho?.close(), slack?.close()]);
    await database?.drop();
  });

  /** Starts the built server and expects it to stop at start; answers its output. */
  const refusedStart = async (env: Record<string, string | undefined>): Promise<string> => {
    const started = ServerProcess.start(testEnv({ DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, ...env }));
    const outcome = await started.then(
      async (server) => {
        await server.stop();
        throw new Error('the server started');
      },
      (error: Error) => error.message,
    );
    return outcome;
  };

  it('refuses an OAuth app with a client id but no secret, naming the missing variable', async () => {
    const output = await refusedStart({ OAUTH_PROVIDERS: 'zoho,google', GOOGLE_CLIENT_ID: 'google-app-id' });

    expect(output).toContain('Invalid configuration: GOOGLE_CLIENT_SECRET is required when GOOGLE_CLIENT_ID is set (set both, or neither)');
  });

  it('refuses a key that reads none of the stored tokens, naming the key ids of the rows and of the configuration, and alerts nobody', async () => {
    const writtenWith = scan.secret(randomBytes(32).toString('hex'), 'the key the rows were written with');
    const seeding = await startTestApp({ DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, TOKEN_ENCRYPTION_KEY: writtenWith });
    for (let i = 0; i < 5; i++) await seedToken(seeding, { clientId: `tenant-${i}`, expiresInMinutes: 5 });
    await seeding.close();
    const wrong = scan.secret(randomBytes(32).toString('hex'), 'a valid but different key');

    const output = await refusedStart({
      TOKEN_ENCRYPTION_KEY: wrong,
      SLACK_WEBHOOK_URL: slack.url,
      TOKEN_HEALTH_ENABLED: 'true',
      TOKEN_HEALTH_CRON: '* * * * * *',
    });

    expect(output).toContain(
      `Invalid configuration: TOKEN_ENCRYPTION_KEY does not match the stored tokens: 5 of 5 stored tokens were written under key ids this process does not hold: the rows use ${keyIdOf(writtenWith)} (5); this process has ${keyIdOf(wrong)} (TOKEN_ENCRYPTION_KEY)`,
    );
    expect(output).not.toContain('    at ');
    expect(slack.requests).toHaveLength(0);
    const [{ unhealthy }] = await seedingQuery(database.url, "SELECT count(*)::int AS unhealthy FROM oauth_tokens WHERE token_status <> 'healthy'");
    expect(unhealthy).toBe(0);
  });
});

async function seedingQuery(url: string, sql: string): Promise<{ unhealthy: number }[]> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ unhealthy: number }>(sql)).rows;
  } finally {
    await client.end();
  }
}
