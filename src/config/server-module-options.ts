import { TokenHealthModuleOptions } from './token-health-module-options';
import { ServerConfig } from './server-config';

/** The server is one host of TokenHealthModule: its environment becomes the module's options. */
export function serverModuleOptions(config: ServerConfig): TokenHealthModuleOptions {
  const {
    nodeEnv: _nodeEnv,
    port: _port,
    databaseUrl: _databaseUrl,
    databasePoolSize: _poolSize,
    dataDir: _dataDir,
    embeddedDatabase: _embeddedDatabase,
    log: _log,
    graphqlIntrospection: _graphqlIntrospection,
    tokenEncryptionKey,
    ...moduleConfig
  } = config;
  if (!tokenEncryptionKey) throw new Error('The encryption key must be resolved before the module is configured');
  return { ...moduleConfig, encryptionKey: tokenEncryptionKey };
}
