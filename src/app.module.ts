import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Logger, MiddlewareConsumer, Module, NestModule, OnModuleInit, RequestMethod } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { runMigrationsExclusively } from './database/run-migrations';
import { ServerConfig } from './config/server-config';
import { serverModuleOptions } from './config/server-module-options';
import { checkConnectionBudget } from './database/connection-budget';
import { describeConnectionFailure } from './database/connection-failure';
import { buildDataSourceOptions, SessionTimeouts } from './database/database-options';
import { OAUTH_ENTITIES } from './oauth/oauth.entities';
import { RESERVED_CONNECTIONS, SERVING_CONNECTIONS } from './token-health/checker-connections';
import { ConfigError } from './config/config.error';
import { graphqlLimits } from './common/graphql-limits';
import { GraphqlAuthMiddleware } from './auth/graphql-auth.middleware';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { TokenHealthModule } from './token-health/token-health.module';
import { TokenHealthModuleExtras } from './token-health/token-health.options';
import { RootController } from './admin-console/root.controller';
import { RequestParseProblemFilter } from './api/request-parse-problem.filter';

const GRAPHQL_PATH = 'graphql';

export interface AppModuleOptions extends TokenHealthModuleExtras {
  /** Write the GraphQL schema to schema.gql (the server does; tests don't need to). */
  emitSchema?: boolean;
}

/**
 * 60 s is far above any statement of a cycle at 1M tokens (the set-wise
 * classification is the longest, a few seconds). No transaction is held across
 * a provider call; the idle-in-transaction limit stays above the longest one
 * (retries and backoff included) plus a minute, so no legitimate work is cut.
 */
const STATEMENT_TIMEOUT_MS = 60_000;
/** Longest pause the provider HTTP client makes between attempts (its backoff cap; Retry-After is capped lower). */
const LONGEST_RETRY_PAUSE_MS = 10_000;

function sessionTimeouts(config: ServerConfig): SessionTimeouts {
  const { providerTimeoutMs, providerMaxAttempts } = config.tokenHealth;
  return {
    statementTimeoutMs: STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: providerMaxAttempts * (providerTimeoutMs + LONGEST_RETRY_PAUSE_MS) + 60_000,
  };
}

/** The standalone service: one host of TokenHealthModule, with its own database, schedule, GraphQL and health. */
@Module({})
export class AppModule implements NestModule, OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    // Names the framework to whoever asks; nothing needs it.
    this.adapterHost.httpAdapter?.getInstance<{ disable?(setting: string): void } | undefined>()?.disable?.('x-powered-by');
  }

  /** The whole /graphql endpoint is the admin API here, so every request is authenticated before GraphQL parses it. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(GraphqlAuthMiddleware).forRoutes({ path: GRAPHQL_PATH, method: RequestMethod.ALL });
  }

  static forRoot(config: ServerConfig, { emitSchema, ...extras }: AppModuleOptions = {}): DynamicModule {
    const tokenHealth = TokenHealthModule.forRoot({ ...serverModuleOptions(config), ...extras });
    const poolSize = databasePoolSize(config);
    const servingPool = servingPoolSize(config);
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...buildDataSourceOptions(config.databaseUrl!, servingPool, { entities: OAUTH_ENTITIES, timeouts: sessionTimeouts(config) }),
            // No retries: a database that is not there fails the start with one line; whoever runs the
            // process (compose, Kubernetes, systemd) restarts it, and says so in its own log.
            toRetry: () => false,
          }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize().catch((error: unknown) => {
              throw describeConnectionFailure(config.databaseUrl!, error);
            });
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
          path: `/${GRAPHQL_PATH}`,
          autoSchemaFile: emitSchema === false ? true : join(process.cwd(), 'schema.gql'),
          sortSchema: true,
          playground: false,
          // Only authenticated callers reach GraphQL (GraphqlAuthMiddleware), so this is for them alone.
          introspection: config.graphqlIntrospection,
          includeStacktraceInErrorResponses: false,
          // No "Did you mean …?" hints: they spell out the schema field by field.
          hideSchemaDetailsFromClientErrors: true,
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
      // The standalone owns the whole app, so unreadable bodies under /api answer as the REST API does.
      providers: [{ provide: APP_FILTER, useClass: RequestParseProblemFilter }],
    };
  }
}

/** Connections per process, both pools: they follow from the work that holds connections, not from the provider calls in flight. */
export function databasePoolSize(config: ServerConfig): number {
  return config.databasePoolSize ?? RESERVED_CONNECTIONS + SERVING_CONNECTIONS;
}

/** What is left of DATABASE_POOL_SIZE for the API once the checker's and /health's connections are reserved. */
export function servingPoolSize(config: ServerConfig): number {
  const total = databasePoolSize(config);
  if (total <= RESERVED_CONNECTIONS) {
    throw new ConfigError(
      `DATABASE_POOL_SIZE=${total} leaves no connection for the API: ${RESERVED_CONNECTIONS} are reserved for the checker and /health, so it must be at least ${RESERVED_CONNECTIONS + 1}`,
    );
  }
  return total - RESERVED_CONNECTIONS;
}
