// A graceful stop (SIGTERM) that arrives while a refresh is waiting for the provider's
// answer. The provider rotates and spends the old refresh token the moment it answers,
// so the answer must still be stored before the process lets go of its database.
import { LogLevel } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { parseAppConfig } from '../../src/config/parse-app-config';
import { OAuthTokenService } from '../../src/oauth/oauth-token.service';
import { TokenCipher } from '../../src/oauth/token-cipher';
import { CapturedLogger } from '../support/captured-logger';
import { readToken, seedToken } from '../factories/token.factory';
import { waitUntil } from '../support/alert-sinks';
import { RotatingOAuthProvider } from '../support/rotating-oauth-provider';
import { ServerProcess } from '../support/server-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { startTestApp, TestApp, testEnv } from '../support/test-app';
import { useSecretScan } from '../support/secret-scan';

useSecretScan();

/** The captured test logger, readable by the spec: the stop's progress shows in its lines. */
class ReadableLogger extends CapturedLogger {
  readonly seen: string[] = [];

  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel, ...rest: [('stdout' | 'stderr')?, unknown?]): void {
    this.seen.push(messages.map(String).join(' '));
    super.printMessages(messages, context, logLevel, ...rest);
  }
}

describe('graceful stop during a refresh', () => {
  let database: TestDatabase;
  let provider: RotatingOAuthProvider;
  let seeder: TestApp;
  let replica: ServerProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = await RotatingOAuthProvider.start('strict');
  });

  /** The app's environment with a provider `rot` at the rotating fake. */
  const rotatingProviderEnv = () =>
    testEnv({
      DATABASE_URL: database.url,
      OAUTH_PROVIDERS: 'zoho,rot',
      ...provider.providerEnv('rot'),
    });

  /** Holds the provider's next answer (the new token already issued, the old one spent) until released. */
  const holdProviderAnswer = () => {
    const answer = { held: false, release: () => undefined as void };
    const released = new Promise<void>((resolve) => (answer.release = resolve));
    provider.beforeAnswer = async () => {
      answer.held = true;
      await released;
    };
    return answer;
  };

  afterAll(async () => {
    await replica?.stop('SIGKILL');
    await seeder?.close();
    await provider?.close();
    await database?.drop();
  });

  it('stores the rotated refresh token of a refresh in flight before the process exits', async () => {
    const env = rotatingProviderEnv();
    seeder = await startTestApp(env);
    await seedToken(seeder, { clientId: 'tenant-a', provider: 'rot', refreshToken: provider.grant('tenant-a'), expiresInMinutes: 5 });
    const answer = holdProviderAnswer();
    replica = await ServerProcess.start({ ...env, TOKEN_HEALTH_ENABLED: 'true', TOKEN_HEALTH_CRON: '* * * * * *' });
    await waitUntil(() => answer.held, 60_000, 'the refresh to reach the provider');

    const stopped = replica.stop('SIGTERM');
    let exited = false;
    void replica.exited.then(() => (exited = true));
    // The new token is issued and the old one spent; the answer goes out once the process
    // is either waiting for it to close, or gone without it.
    await waitUntil(() => exited || replica!.logs().includes('in flight before closing'), 60_000, 'the stop to reach the database pool');
    answer.release();
    await stopped;

    const row = await readToken(seeder, 'tenant-a', 'rot');
    const stored = seeder.get(TokenCipher).decrypt(row.refresh_token!, { clientId: 'tenant-a', provider: 'rot', column: 'refresh_token' });
    expect(provider.issuedCount('tenant-a')).toBe(2);
    expect(stored).toBe(provider.current('tenant-a'));
    expect(row.token_status).toBe('healthy');
  }, 120_000);

  it('stores the rotated refresh token of a host getAccessToken call in flight before the app closes', async () => {
    const env = rotatingProviderEnv();
    seeder ??= await startTestApp(env);
    await seedToken(seeder, { clientId: 'tenant-b', provider: 'rot', refreshToken: provider.grant('tenant-b'), expiresInMinutes: 1 });
    const answer = holdProviderAnswer();
    const logger = new ReadableLogger('host app');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(parseAppConfig(env), { emitSchema: false })] }).compile();
    const host = moduleRef.createNestApplication({ logger });
    await host.init();

    const handOut = host.get(OAuthTokenService, { strict: false }).getAccessToken('tenant-b', 'rot');
    void handOut.catch(() => undefined);
    await waitUntil(() => answer.held, 60_000, 'the refresh to reach the provider');
    let closed = false;
    const closing = host.close().finally(() => (closed = true));
    // The answer goes out once the app is either waiting for it or has let go of its database.
    await waitUntil(
      () => closed || !host.get(DataSource).isInitialized || logger.seen.some((line) => line.includes('in flight before closing')),
      60_000,
      'the stop to progress',
    );
    answer.release();
    await closing;

    const row = await readToken(seeder, 'tenant-b', 'rot');
    const stored = seeder.get(TokenCipher).decrypt(row.refresh_token!, { clientId: 'tenant-b', provider: 'rot', column: 'refresh_token' });
    expect(provider.issuedCount('tenant-b')).toBe(2);
    expect(stored).toBe(provider.current('tenant-b'));
    await expect(handOut).resolves.toEqual(expect.any(String));
  }, 120_000);
});
