// A host app whose only TypeORM DataSource is a named one
// (TypeOrmModule.forRoot({ name }) + TokenHealthModule.forRoot({ dataSource: name })).
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { ScheduleModule } from '@nestjs/schedule';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { Server } from 'node:http';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { parseAppConfig } from '../src/config/parse-app-config';
import { serverModuleOptions } from '../src/config/server-module-options';
import { TOKEN_HEALTH_ENTITIES, TOKEN_HEALTH_MIGRATIONS, TokenCountsCache, TokenHealthIndicator, TokenHealthModule } from '../src/index';
import { CapturedLogger } from './support/captured-logger';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { CHECK_TOKEN_HEALTH, REGISTER } from './support/graphql-client';
import { useSecretScan } from './support/secret-scan';
import { TEST_ADMIN_TOKEN, testEnv } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

const scan = useSecretScan();

const TENANTS = 'tenants';
const REFRESH_TOKEN = scan.secret('1000.refresh.named-source-token');

@Controller('health')
class HostHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly tokenHealth: TokenHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.tokenHealth.isHealthy('tokenHealth')]);
  }
}

function hostModule(databaseUrl: string, providerUrl: string) {
  const options = serverModuleOptions(parseAppConfig(testEnv({ DATABASE_URL: databaseUrl, ZOHO_ACCOUNTS_URL: providerUrl })));

  @Module({
    imports: [
      TypeOrmModule.forRoot({
        name: TENANTS,
        type: 'postgres',
        url: databaseUrl,
        entities: TOKEN_HEALTH_ENTITIES,
        migrations: TOKEN_HEALTH_MIGRATIONS,
        migrationsRun: true,
      }),
      ScheduleModule.forRoot(),
      GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, context: ({ req }: { req: unknown }) => ({ req }) }),
      TerminusModule,
      TokenHealthModule.forRoot({ ...options, dataSource: TENANTS }),
    ],
    controllers: [HostHealthController],
  })
  class NamedDataSourceHostModule {}

  return NamedDataSourceHostModule;
}

describe(`${TokenHealthModule.name}.forRoot({ dataSource })`, () => {
  let database: TestDatabase;
  let provider: FakeOAuthProvider;
  let app: INestApplication<Server>;
  const graphql = (query: string, variables: Record<string, unknown>) =>
    request(app.getHttpServer())
      .post('/graphql')
      .set({ authorization: `Bearer ${TEST_ADMIN_TOKEN}` })
      .send({ query, variables });

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = await FakeOAuthProvider.start();
    const moduleRef = await Test.createTestingModule({ imports: [hostModule(database.url, provider.url)] }).compile();
    app = moduleRef.createNestApplication({ logger: new CapturedLogger('named data source host') });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await provider?.close();
    await database?.drop();
  });

  it('starts in a host that has no default DataSource', () => {
    expect(() => app.get(DataSource)).toThrow();
  });

  it('registers a token into the named DataSource through GraphQL', async () => {
    const response = await graphql(REGISTER, { input: { clientId: 'tenant-a', provider: 'zoho', refreshToken: REFRESH_TOKEN } }).expect(200);

    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.registerOAuthToken.status).toBe('HEALTHY');
    const rows = await app.get<DataSource>(getDataSourceToken(TENANTS)).query('SELECT client_id FROM oauth_tokens');
    expect(rows).toEqual([{ client_id: 'tenant-a' }]);
  });

  it('checks the token stored there and writes the outcome there', async () => {
    const tenants = app.get<DataSource>(getDataSourceToken(TENANTS));
    await tenants.query(
      `UPDATE oauth_tokens SET token_expiry = now() + interval '10 minutes', last_refreshed_at = NULL, last_refresh_attempt_at = NULL, last_health_check = NULL`,
    );
    provider.whenRefreshing(REFRESH_TOKEN, { status: 400, body: { error: 'invalid_grant' } });

    const response = await graphql(CHECK_TOKEN_HEALTH, { clientId: 'tenant-a' }).expect(200);

    expect(response.body.data.checkTokenHealth).toEqual([expect.objectContaining({ clientId: 'tenant-a', status: 'INVALID' })]);
    expect(provider.refreshCount(REFRESH_TOKEN)).toBeGreaterThan(0);
    expect(await tenants.query('SELECT token_status FROM oauth_tokens')).toEqual([{ token_status: 'invalid' }]);
  });

  it("answers the host's /health with the indicator, counting the token stored there", async () => {
    await app.get(TokenCountsCache, { strict: false }).refresh();

    const response = await request(app.getHttpServer()).get('/health').expect(200);

    expect(response.body.info.tokenHealth).toEqual(
      expect.objectContaining({ status: 'up', counts: expect.objectContaining({ healthy: 0, invalid: 1 }) }),
    );
  });
});
