// The refresh lease across replicas: single flight of hand-outs, and refresh-token
// rotation persisted while the checker and hand-outs run side by side.
import { OAuthTokenRepository } from '../src/oauth/oauth-token.repository';
import { OAuthTokenService } from '../src/oauth/oauth-token.service';
import { TokenStatus } from '../src/oauth/token-status';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { seedToken } from './factories/token.factory';
import { FakeOAuthProvider, TokenRequest, zohoSuccess } from './support/fake-oauth-provider';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { useSecretScan } from './support/secret-scan';

useSecretScan();

describe('refresh leases', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let replicas: TestApp[];

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    const env = {
      DATABASE_URL: database.url,
      ZOHO_ACCOUNTS_URL: zoho.url,
      TOKEN_HEALTH_CONCURRENCY: '50',
      TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: '0',
      // Three apps and the fake share one event loop here: a slow answer must not count as lost (a retry would reuse a rotated token).
      TOKEN_HEALTH_PROVIDER_TIMEOUT_MS: '30000',
    };
    // Three apps with their own pools and services: they share nothing but the database.
    replicas = await Promise.all([startTestApp(env), startTestApp(env), startTestApp(env)]);
  });

  beforeEach(async () => {
    zoho.reset();
    await replicas[0].dataSource.query('TRUNCATE oauth_tokens');
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await zoho.close();
    await database.drop();
  });

  it('makes one provider call for 200 concurrent getAccessToken calls spread over three replicas', async () => {
    const { clientId, refreshToken } = await seedToken(replicas[0], { expiresInMinutes: 1 });
    zoho.whenRefreshing(refreshToken!, { ...zohoSuccess('shared-access'), delayMs: 300 });

    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => replicas[i % 3].get(OAuthTokenService).getAccessToken(clientId, 'zoho')));

    expect(new Set(results)).toEqual(new Set(['shared-access']));
    expect(zoho.refreshCount()).toBe(1);
  });

  it('persists every rotated refresh token while three checkers and hand-outs refresh the same tokens', async () => {
    const rotation = new RotatingProvider();
    zoho.defaultBehaviour = (request) => rotation.answer(request);
    const seeds = await Promise.all(Array.from({ length: 150 }, (_, i) => seedToken(replicas[0], { clientId: `rot-${i}`, expiresInMinutes: 1 })));
    zoho.latencyMs = 5;

    for (let round = 0; round < 3; round++) {
      await replicas[0].dataSource.query(`UPDATE oauth_tokens SET token_expiry = now(), last_health_check = NULL`);
      await Promise.all([
        ...replicas.map((replica) => replica.get(TokenHealthService).checkAllTokens()),
        ...seeds.map((seed, i) =>
          replicas[i % 3]
            .get(OAuthTokenService)
            .getAccessToken(seed.clientId, 'zoho')
            .catch(() => undefined),
        ),
      ]);
    }

    expect(rotation.reused).toEqual([]);
    const stored = await Promise.all(seeds.map((seed) => replicas[0].get(OAuthTokenRepository).findToken(seed.clientId, 'zoho')));
    expect(stored.map((token) => token!.refreshToken)).toEqual(seeds.map((seed) => rotation.latest(seed.refreshToken!)));
    expect(stored.every((token) => token!.tokenStatus === TokenStatus.Healthy)).toBe(true);
    expect(zoho.refreshCount()).toBeGreaterThanOrEqual(seeds.length * 3);
  });
});

/** A provider that rotates on every refresh and accepts each refresh token once, like Microsoft's. */
class RotatingProvider {
  private readonly used = new Set<string>();
  private readonly nextOf = new Map<string, string>();
  readonly reused: string[] = [];

  answer(request: TokenRequest) {
    const presented = request.refreshToken!;
    if (this.used.has(presented)) {
      this.reused.push(presented);
      return { status: 400, body: { error: 'invalid_grant' } };
    }
    this.used.add(presented);
    const rotated = `${presented.split('~')[0]}~${this.used.size}`;
    this.nextOf.set(presented, rotated);
    return zohoSuccess(undefined, { refresh_token: rotated });
  }

  latest(original: string): string {
    let current = original;
    while (this.nextOf.has(current)) current = this.nextOf.get(current)!;
    return current;
  }
}
