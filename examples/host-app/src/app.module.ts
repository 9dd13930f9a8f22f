import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { GraphQLModule } from '@nestjs/graphql';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GraphqlAuthMiddleware, graphqlLimits, TokenHealthModule } from 'token-health';
import { HostAlertingService } from './alerts/host-alerting.service';
import { hostDatabase } from './database/host-database';
import { HealthController } from './health/health.controller';
import { HelloResolver } from './hello.resolver';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
    TypeOrmModule.forRootAsync({ inject: [ConfigService], useFactory: hostDatabase }),
    ScheduleModule.forRoot(),
    GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, validationRules: graphqlLimits() }),
    TerminusModule,
    TokenHealthModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (env: ConfigService) => ({
        encryptionKey: env.getOrThrow<string>('TOKEN_ENCRYPTION_KEY'),
        publicBaseUrl: env.getOrThrow<string>('PUBLIC_BASE_URL'),
        adminApiToken: env.getOrThrow<string>('ADMIN_API_TOKEN'),
        tokenHealth: { cron: env.get<string>('TOKEN_HEALTH_CRON') },
        oauthProviders: [{ name: 'zoho', clientId: env.get('ZOHO_CLIENT_ID'), clientSecret: env.get('ZOHO_CLIENT_SECRET') }],
        zoho: { accountsUrl: env.get<string>('ZOHO_ACCOUNTS_URL') },
      }),
      alerting: { useClass: HostAlertingService },
      console: { path: 'ops/token-health' },
      metrics: { path: 'ops/metrics' },
    }),
  ],
  controllers: [HealthController],
  providers: [HelloResolver],
})
export class AppModule implements NestModule {
  // This app's whole GraphQL endpoint is for admins: refuse a caller without the token before parsing.
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(GraphqlAuthMiddleware).forRoutes('graphql');
  }
}
