import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Alert } from '../../alerting/alert';
import { AlertIntake } from '../../alerting/alert-intake';
import { AppConfig } from '../../config/app-config';
import { TransactionContext } from '../../database/transaction-context';
import { MetricsService } from '../../metrics/metrics.service';
import { ProviderRefreshTally, RefreshTallyRepository } from '../../oauth/refresh-tally.repository';
import { TransientHold } from '../../oauth/token-alert-state.repository';
import { OutageVerdict, outageVerdict } from './outage-policy';
import { ProviderOutageComposer } from './provider-outage.composer';
import { ProviderOutage, ProviderOutageRepository } from './provider-outage.repository';
import { ProviderOutageSource } from '../provider-outage.source';
import { InjectTokenHealthDataSource } from '../../database/token-health-data-source-token';

/**
 * Turns each provider's sliding window of refresh outcomes into at most one incident per
 * provider outage. Every replica evaluates after its cycles (and during long ones); the
 * database decides which one opens, reminds or closes (and so announces) the incident.
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

  /**
   * Evaluates every provider's sliding window of attempts now (opening, confirming, reminding or
   * closing incidents) and returns which transient failures per-token alerts must leave alone.
   * `round` names the evaluation for reminders: replicas ending the same cycle pass its start.
   */
  async evaluate(round: Date = new Date()): Promise<TransientHold[]> {
    const { windowMinutes } = this.config.outage;
    const openBefore = await this.outages.listOpen();
    const window = await this.tallies.tallyWindow(windowMinutes);
    const open = new Map(openBefore.map((outage) => [outage.provider, outage]));
    const incidents = new Set(open.keys());
    const holds: TransientHold[] = [];
    for (const tally of window.tallies) {
      const outage = open.get(tally.provider);
      const verdict = outageVerdict(tally, this.config.outage, outage !== undefined);
      switch (verdict) {
        case OutageVerdict.Outage:
          incidents.add(tally.provider);
          if (outage) await this.continueOutage(outage, tally, window.at, round);
          else await this.openOutage(tally, window.at);
          break;
        case OutageVerdict.Deciding:
          // Bounded: a failure older than the window no longer counts toward any verdict, so it is alerted then.
          holds.push({ provider: tally.provider, from: minutesBefore(window.at, windowMinutes), until: null, followUp: true });
          break;
        case OutageVerdict.Ongoing:
          await this.remindIfDue(outage!, round);
          break;
        case OutageVerdict.Recovered:
          if (await this.closeOutage(tally.provider)) incidents.delete(tally.provider);
          break;
        case OutageVerdict.Normal:
          break;
      }
      // Failures landing between this read and the raise were in no verdict yet: the next evaluation takes them.
      holds.push({ provider: tally.provider, from: window.at, until: null, followUp: false });
    }
    for (const provider of incidents) holds.push({ provider, from: null, until: null, followUp: false });
    for (const closed of await this.outages.listLatestClosed()) {
      // Failures attempted while it was open were announced by the incident: they wait for their token's next attempt.
      if (!incidents.has(closed.provider)) {
        holds.push({ provider: closed.provider, from: minutesBefore(closed.since, windowMinutes), until: closed.closedAt, followUp: false });
      }
    }
    await this.publishGauge(window.tallies.map((tally) => tally.provider));
    return holds;
  }

  private async openOutage(tally: ProviderRefreshTally, windowAt: Date): Promise<void> {
    const opened = await this.inTransaction(async (manager) => {
      const outage = await this.outages.open(manager, tally.provider, windowAt, tally.transientFailures, tally.attempts);
      if (outage) await this.announce(this.composer.outage(outage, false));
      return outage;
    });
    if (opened) this.logger.warn(`Provider outage opened for ${tally.provider}: ${tally.transientFailures} of ${tally.attempts} refreshes failed`);
  }

  private async continueOutage(outage: ProviderOutage, tally: ProviderRefreshTally, windowAt: Date, round: Date): Promise<void> {
    await this.outages.confirm(tally.provider, windowAt, tally.transientFailures, tally.attempts);
    await this.remindIfDue({ ...outage, failures: tally.transientFailures, attempts: tally.attempts }, round);
  }

  private async remindIfDue(outage: ProviderOutage, round: Date): Promise<void> {
    await this.inTransaction(async (manager) => {
      if (await this.outages.claimReminder(manager, outage.id, round, this.config.alerts.repeatIntervalMinutes)) {
        await this.announce(this.composer.outage(outage, true));
      }
    });
  }

  private async closeOutage(provider: string): Promise<boolean> {
    const closed = await this.inTransaction(async (manager) => {
      const outage = await this.outages.close(manager, provider);
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

function minutesBefore(at: Date, minutes: number): Date {
  return new Date(at.getTime() - minutes * 60_000);
}
