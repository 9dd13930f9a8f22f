import { ConfigurableModuleBuilder } from '@nestjs/common';
import { TOKEN_HEALTH_MODULE_OPTIONS, TokenHealthModuleOptions } from '../config/token-health-module-options';
import { TokenHealthModuleExtras } from './token-health.options';

/** `forRoot(options)` and `forRootAsync({ imports, inject, useFactory })`; the extras shape the module itself. */
export const {
  ConfigurableModuleClass: ConfigurableTokenHealthModule,
  OPTIONS_TYPE: TOKEN_HEALTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: TOKEN_HEALTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<TokenHealthModuleOptions>({ moduleName: 'TokenHealth', optionsInjectionToken: TOKEN_HEALTH_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createTokenHealthOptions')
  // Every extra is listed so it is kept out of the options object the module injects.
  .setExtras<TokenHealthModuleExtras>({
    alerting: undefined,
    guard: undefined,
    dataSource: undefined,
    imports: [],
    console: undefined,
    metrics: undefined,
    api: undefined,
  })
  .build();
