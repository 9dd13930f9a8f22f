import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Logger, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { runMigrationsExclusively } from './database/run-migrations';
import { ServerConfig } from './config/server-config';
import { serverModuleOptions } from './config/server-module-options';
import { checkConnectionBudget } from './database/connection-budget';
import { buildDataSourceOptions } from './database/database-options';
import { OAUTH_ENTITIES } from './oauth/oauth.entities';
import { CHECKER_CONNECTIONS, SERVING_CONNECTIONS } from './token-health/checker-connections';
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
    const poolSize = databasePoolSize(config);
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...buildDataSourceOptions(config.databaseUrl!, poolSize, OAUTH_ENTITIES),
            // Keep retrying the first connection briefly, then fail the start with the cause.
            retryAttempts: 3,
            retryDelay: 1000,
          }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            try {
              const warning = await checkConnectionBudget(dataSource, poolSize);
              if (warning) new Logger('Database').warn(warning);
            } catch (error) {
              await dataSource.destroy();
              throw error;
            }
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

/** The pool follows from the work that holds connections, not from the number of provider calls in flight. */
export function databasePoolSize(config: ServerConfig): number {
  return config.databasePoolSize ?? CHECKER_CONNECTIONS + SERVING_CONNECTIONS;
}
