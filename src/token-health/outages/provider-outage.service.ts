import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Alert } from '../../alerting/alert';
import { AlertIntake } from '../../alerting/alert-intake';
import { AppConfig } from '../../config/app-config';
import { TransactionContext } from '../../database/transaction-context';
import { MetricsService } from '../../metrics/metrics.service';
import { ProviderRefreshTally, RefreshTallyRepository } from '../../oauth/refresh-tally.repository';
import { OutageVerdict, outageVerdict } from './outage-policy';
import { ProviderOutageComposer } from './provider-outage.composer';
import { ProviderOutage, ProviderOutageRepository } from './provider-outage.repository';
import { ProviderOutageSource } from '../provider-outage.source';
import { InjectTokenHealthDataSource } from '../../database/token-health-data-source-token';

/**
 * Turns a cycle's refresh outcomes per provider into at most one incident per
 * provider outage. Every replica evaluates after its own cycle; the database
 * decides which one opens, reminds or closes (and so announces) the incident.
 */
@Injectable()
export class ProviderOutageService implements ProviderOutageSource {
  private readonly logger = new Logger(ProviderOutageService.name);

  constructor(
    private readonly tallies: RefreshTallyRepository,
    private readonly outages: ProviderOutageRepository,
    private readonly composer: ProviderOutageComposer,
    private readonly alerting: AlertIntake,
    private readonly metrics: MetricsService,
    @InjectTokenHealthDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Open outages, oldest first (GraphQL `tokenHealthSummary.outages`, the console banner). */
  listOpen(): Promise<ProviderOutage[]> {
    return this.outages.listOpen();
  }

  /** The summaries' port (`ProviderOutageSource`). */
  openOutages(): Promise<ProviderOutage[]> {
    return this.listOpen();
  }

  /** Providers whose transient per-token alerts are held right now: those with an open outage. */
  async heldProviders(): Promise<string[]> {
    return (await this.outages.listOpen()).map((outage) => outage.provider);
  }

  /**
   * Evaluates the cycle that started at `cycleStart` and returns the providers whose
   * transient per-token alerts must be held: in outage, or not decided yet.
   */
  async evaluateCycle(cycleStart: Date): Promise<string[]> {
    const open = new Map((await this.outages.listOpen()).map((outage) => [outage.provider, outage]));
    const held = new Set(open.keys());
    const tallies = await this.tallies.tallySince(cycleStart);
    for (const tally of tallies) {
      const outage = open.get(tally.provider);
      const verdict = outageVerdict(tally, this.config.outage, outage !== undefined);
      switch (verdict) {
        case OutageVerdict.Outage:
          held.add(tally.provider);
          if (outage) await this.continueOutage(outage, tally, cycleStart);
          else await this.openOutage(tally, cycleStart);
          break;
        case OutageVerdict.Undecided:
          held.add(tally.provider);
          break;
        case OutageVerdict.Ongoing:
          await this.remindIfDue(outage!, cycleStart);
          break;
        case OutageVerdict.Recovered:
          if (await this.closeOutage(tally.provider, cycleStart)) held.delete(tally.provider);
          break;
        case OutageVerdict.Normal:
          break;
      }
    }
    await this.publishGauge(tallies.map((tally) => tally.provider));
    return [...held];
  }

  private async openOutage(tally: ProviderRefreshTally, cycleStart: Date): Promise<void> {
    const opened = await this.inTransaction(async (manager) => {
      const outage = await this.outages.open(manager, tally.provider, cycleStart, tally.transientFailures, tally.attempts);
      if (outage) await this.announce(this.composer.outage(outage, false));
      return outage;
    });
    if (opened) this.logger.warn(`Provider outage opened for ${tally.provider}: ${tally.transientFailures} of ${tally.attempts} refreshes failed`);
  }

  private async continueOutage(outage: ProviderOutage, tally: ProviderRefreshTally, cycleStart: Date): Promise<void> {
    await this.outages.recordCycle(tally.provider, cycleStart, tally.transientFailures, tally.attempts);
    await this.remindIfDue({ ...outage, failures: tally.transientFailures, attempts: tally.attempts }, cycleStart);
  }

  private async remindIfDue(outage: ProviderOutage, cycleStart: Date): Promise<void> {
    await this.inTransaction(async (manager) => {
      if (await this.outages.claimReminder(manager, outage.id, cycleStart, this.config.alerts.repeatIntervalMinutes)) {
        await this.announce(this.composer.outage(outage, true));
      }
    });
  }

  private async closeOutage(provider: string, cycleStart: Date): Promise<boolean> {
    const closed = await this.inTransaction(async (manager) => {
      const outage = await this.outages.close(manager, provider, cycleStart);
      if (outage) await this.announce(this.composer.recovered(outage));
      return outage;
    });
    if (closed) this.logger.log(`Provider outage of ${provider} is over`);
    return closed !== undefined;
  }

  // Inside the incident's transaction: the alert is accepted exactly when the state change commits.
  private async announce(alert: Alert): Promise<void> {
    await this.alerting.accept(alert);
    this.metrics.recordAlert(alert.event!);
  }

  private inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => TransactionContext.run(manager, () => work(manager)));
  }

  private async publishGauge(providers: string[]): Promise<void> {
    const open = (await this.outages.listOpen()).map((outage) => outage.provider);
    this.metrics.setProviderOutages(providers, open);
  }
}
