// The OAuthToken entity is what host apps map the table with; it must describe
// exactly the table the migrations build.
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/database-options';
import { OAUTH_ENTITIES } from '../src/oauth/oauth.entities';
import { OAuthToken } from '../src/oauth/oauth-token.entity';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { useSecretScan } from './support/secret-scan';

useSecretScan();

describe(OAuthToken.name, () => {
  let database: TestDatabase;
  let sut: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    sut = await new DataSource(buildDataSourceOptions(database.url, 2, { entities: OAUTH_ENTITIES })).initialize();
    await sut.runMigrations({ transaction: 'all' });
  });

  afterAll(async () => {
    await sut.destroy();
    await database.drop();
  });

  it('matches the migrated table: TypeORM finds nothing to change', async () => {
    const diff = await sut.driver.createSchemaBuilder().log();

    expect(diff.upQueries.map((query) => query.query)).toEqual([]);
  });
});
