import { DynamicModule, Module, ModuleMetadata, Provider } from '@nestjs/common';
import { TOKEN_HEALTH_MODULE_OPTIONS } from '../token-health/token-health.module-definition';
import { AppConfig } from './app-config';
import { resolveTokenHealthConfig } from './resolve-token-health-config';

/**
 * Holds the module's options and the AppConfig resolved from them. Global, so
 * every feature module of TokenHealthModule (and a host's code) can inject
 * AppConfig; the options factory of `forRootAsync` runs here, with the host's imports.
 */
@Module({})
export class TokenHealthConfigModule {
  static register(optionsProviders: Provider[], imports: ModuleMetadata['imports'] = []): DynamicModule {
    return {
      module: TokenHealthConfigModule,
      global: true,
      imports,
      providers: [
        ...optionsProviders,
        { provide: AppConfig, inject: [TOKEN_HEALTH_MODULE_OPTIONS], useFactory: resolveTokenHealthConfig },
      ],
      exports: [AppConfig, TOKEN_HEALTH_MODULE_OPTIONS],
    };
  }
}
