import { Inject, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';

/** The host's TypeORM DataSource the module works in: the default one, or the one named in the `dataSource` extra. */
export const TOKEN_HEALTH_DATA_SOURCE = Symbol('TOKEN_HEALTH_DATA_SOURCE');

/** Injects the module's DataSource; every repository and transaction of the module goes through it. */
export const InjectTokenHealthDataSource = (): ParameterDecorator => Inject(TOKEN_HEALTH_DATA_SOURCE);

/** `name`: what the host gave `TypeOrmModule.forRoot({ name })`; none means its default DataSource. */
export function tokenHealthDataSourceProvider(name?: string): Provider {
  return { provide: TOKEN_HEALTH_DATA_SOURCE, useExisting: getDataSourceToken(name) };
}
