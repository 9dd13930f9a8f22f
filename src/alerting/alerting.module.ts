import { DynamicModule, Module, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { ConnectModule } from '../connect/connect.module';
import { MetricsModule } from '../metrics/metrics.module';
import { AlertDispatcher } from './alert-dispatcher';
import { AlertIntake } from './alert-intake';
import { AlertOutboxBacklog } from './alert-outbox.backlog';
import { AlertOutboxPruner } from './alert-outbox.pruner';
import { AlertOutboxRepository } from './alert-outbox.repository';
import { AlertingService } from './alerting.service';
import { ALERT_CHANNELS } from './alerting.tokens';
import { AlertChannel } from './channels/alert-channel';
import { ALERT_CHANNEL_CLASSES } from './channels/alert-channels';
import { HostAlertChannel } from './channels/host-alert.channel';
import { OutboxAlertingService } from './outbox-alerting.service';

/** How a host app supplies its own AlertingService (any Nest provider recipe but `provide`). */
export type AlertingServiceProvider = Omit<Exclude<Provider<AlertingService>, Type>, 'provide'>;

@Module({})
export class AlertingModule {
  static forRoot(alerting?: AlertingServiceProvider, imports: ModuleMetadata['imports'] = []): DynamicModule {
    const alertingProvider = { ...(alerting ?? { useExisting: OutboxAlertingService }), provide: AlertingService } as Provider;
    return {
      module: AlertingModule,
      imports: [...imports, MetricsModule, ConnectModule],
      providers: [
        ...ALERT_CHANNEL_CLASSES,
        { provide: ALERT_CHANNELS, inject: ALERT_CHANNEL_CLASSES, useFactory: (...channels: AlertChannel[]) => channels },
        AlertOutboxRepository,
        AlertOutboxPruner,
        AlertOutboxBacklog,
        AlertDispatcher,
        OutboxAlertingService,
        alertingProvider,
        HostAlertChannel,
        AlertIntake,
      ],
      exports: [
        AlertingService,
        AlertIntake,
        OutboxAlertingService,
        AlertOutboxRepository,
        AlertOutboxPruner,
        AlertOutboxBacklog,
        AlertDispatcher,
        ALERT_CHANNELS,
      ],
    };
  }
}
