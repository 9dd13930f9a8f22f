import { databasePoolSize } from '../src/app.module';
import { parseAppConfig } from '../src/config/parse-app-config';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, testEnv } from './support/test-app';
import { useSecretScan } from './support/secret-scan';

useSecretScan();

describe('database pool', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  it('is sized from the work, not from TOKEN_HEALTH_CONCURRENCY', () => {
    const small = parseAppConfig(testEnv({ TOKEN_HEALTH_CONCURRENCY: '10' }));
    const large = parseAppConfig(testEnv({ TOKEN_HEALTH_CONCURRENCY: '1000' }));

    expect(databasePoolSize(large)).toBe(databasePoolSize(small));
    expect(databasePoolSize(large)).toBeLessThan(20);
  });

  it('refuses to start when DATABASE_POOL_SIZE exceeds what the server allows, naming both', async () => {
    // The test server runs with max_connections=400.
    await expect(startTestApp({ DATABASE_URL: database.url, DATABASE_POOL_SIZE: '900' })).rejects.toThrow(
      /DATABASE_POOL_SIZE=900 exceeds .*max_connections 400/,
    );
  });
});
