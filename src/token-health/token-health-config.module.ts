import { DynamicModule, Module, ModuleMetadata, Provider } from '@nestjs/common';
import { TOKEN_HEALTH_DATA_SOURCE, tokenHealthDataSourceProvider } from '../database/token-health-data-source-token';
import { AppConfig } from '../config/app-config';
import { resolveTokenHealthConfig } from '../config/resolve-token-health-config';
import { TOKEN_HEALTH_MODULE_OPTIONS } from '../config/token-health-module-options';
import { ReservedPool } from '../database/reserved-pool';
import { DataSource } from 'typeorm';
import { RESERVED_CONNECTIONS } from './checker-connections';

/**
 * Holds the module's options, the AppConfig resolved from them and the host's
 * DataSource the module uses, with the pool reserved beside it. Global, so every feature module of TokenHealthModule
 * (and a host's code) can inject AppConfig and TOKEN_HEALTH_DATA_SOURCE; the
 * options factory of `forRootAsync` runs here, with the host's imports.
 */
@Module({})
export class TokenHealthConfigModule {
  static register(optionsProviders: Provider[], imports: ModuleMetadata['imports'] = [], dataSource?: string): DynamicModule {
    return {
      module: TokenHealthConfigModule,
      global: true,
      imports,
      providers: [
        ...optionsProviders,
        { provide: AppConfig, inject: [TOKEN_HEALTH_MODULE_OPTIONS], useFactory: resolveTokenHealthConfig },
        tokenHealthDataSourceProvider(dataSource),
        {
          provide: ReservedPool,
          inject: [TOKEN_HEALTH_DATA_SOURCE],
          useFactory: (serving: DataSource) => ReservedPool.open(serving, RESERVED_CONNECTIONS),
        },
      ],
      exports: [AppConfig, TOKEN_HEALTH_MODULE_OPTIONS, TOKEN_HEALTH_DATA_SOURCE, ReservedPool],
    };
  }
}
