import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Alert } from '../../alerting/alert';
import { AlertIntake } from '../../alerting/alert-intake';
import { AppConfig } from '../../config/app-config';
import { InjectTokenHealthDataSource } from '../../database/token-health-data-source-token';
import { TransactionContext } from '../../database/transaction-context';
import { MetricsService } from '../../metrics/metrics.service';
import { OAuthProviderRegistry } from '../../oauth/oauth-provider.registry';
import { ProviderConfigurationComposer } from './provider-configuration.composer';
import { ProviderConfigurationRepository } from './provider-configuration.repository';

/**
 * A provider enabled without OAuth app credentials fails every refresh the same way: that is
 * one problem of ours, announced once per provider (with reminders), while its tokens' own
 * configuration alerts are held. Every replica evaluates after its cycle; the incident row
 * decides which one announces.
 */
@Injectable()
export class ProviderConfigurationService {
  constructor(
    private readonly providers: OAuthProviderRegistry,
    private readonly incidents: ProviderConfigurationRepository,
    private readonly composer: ProviderConfigurationComposer,
    private readonly alerting: AlertIntake,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
    @InjectTokenHealthDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Opens, reminds or closes each provider's incident; called before per-token alerts are raised, only while a channel exists. */
  async evaluate(): Promise<void> {
    const affected = await this.incidents.countAffected(this.providers.withoutCredentials());
    const stillMissing = [...affected.keys()];
    await this.inTransaction(async (manager) => {
      for (const provider of await this.incidents.closeAllBut(manager, stillMissing)) await this.raise(this.composer.configured(provider));
    });
    for (const [provider, count] of affected) {
      await this.inTransaction(async (manager) => {
        if (await this.incidents.open(manager, provider, count)) return this.raise(this.composer.missingCredentials(provider, count, false));
        if (await this.incidents.takeReminder(manager, provider, count, this.config.alerts.repeatIntervalMinutes)) {
          await this.raise(this.composer.missingCredentials(provider, count, true));
        }
      });
    }
  }

  private async raise(alert: Alert): Promise<void> {
    await this.alerting.accept(alert);
    this.metrics.recordAlert(alert.event ?? 'provider.misconfigured');
  }

  private inTransaction(work: (manager: EntityManager) => Promise<void>): Promise<void> {
    return this.dataSource.transaction((manager) => TransactionContext.run(manager, () => work(manager)));
  }
}
