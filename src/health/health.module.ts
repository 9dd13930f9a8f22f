import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { DatabaseProbeIndicator } from './database-probe.indicator';

@Module({})
export class HealthModule {
  /** `tokenHealthModule`: the configured TokenHealthModule, whose indicator the controller uses. */
  static register(tokenHealthModule: DynamicModule): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), tokenHealthModule],
      controllers: [HealthController],
      providers: [DatabaseProbeIndicator],
    };
  }
}
