import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { runMigrationsExclusively } from './database/run-migrations';
import { ServerConfig } from './config/server-config';
import { serverModuleOptions } from './config/server-module-options';
import { buildDataSourceOptions } from './database/database-options';
import { graphqlLimits } from './common/graphql-limits';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { TokenHealthModule } from './token-health/token-health.module';
import { TokenHealthModuleExtras } from './token-health/token-health.options';
import { RootController } from './admin-console/root.controller';

export interface AppModuleOptions extends TokenHealthModuleExtras {
  /** Write the GraphQL schema to schema.gql (the server does; tests don't need to). */
  emitSchema?: boolean;
}

/** The standalone service: one host of TokenHealthModule, with its own database, schedule, GraphQL and health. */
@Module({})
export class AppModule {
  static forRoot(config: ServerConfig, { emitSchema, ...extras }: AppModuleOptions = {}): DynamicModule {
    const tokenHealth = TokenHealthModule.forRoot({ ...serverModuleOptions(config), ...extras });
    const production = config.nodeEnv === 'production';
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...buildDataSourceOptions(config.databaseUrl!, config.tokenHealth.concurrency + 10),
            // Keep retrying the first connection briefly, then fail the start with the cause.
            retryAttempts: 3,
            retryDelay: 1000,
          }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            await runMigrationsExclusively(dataSource);
            return dataSource;
          },
        }),
        ScheduleModule.forRoot(),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: emitSchema === false ? true : join(process.cwd(), 'schema.gql'),
          sortSchema: true,
          playground: false,
          introspection: !production,
          includeStacktraceInErrorResponses: false,
          validationRules: graphqlLimits(),
          // We set no cache hints; without this plugin Apollo stops wrapping every field resolver,
          // which is most of the cost of a 50-row page.
          // (The cast bridges @apollo/server's CommonJS and ESM type declarations of the same plugin type.)
          plugins: [ApolloServerPluginCacheControlDisabled()] as unknown as ApolloDriverConfig['plugins'],
          context: ({ req }: { req: unknown }) => ({ req }),
        }),
        MetricsModule,
        tokenHealth,
        HealthModule.register(tokenHealth),
      ],
      // Only the standalone service claims `/`; a host app keeps its own.
      controllers: [RootController],
    };
  }
}
