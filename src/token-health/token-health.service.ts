import { Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { OAuthTokenReportRepository } from '../oauth/oauth-token-report.repository';
import { CheckScope } from '../oauth/stored-token';
import { CheckCycleRunner, CycleSummary } from './check-cycle.runner';
import { TokenAlertService } from './token-alert.service';
import { TokenHealthReport } from './token-health-report';
import { CheckCycleStats } from './check-cycle.stats';
import { ProviderOutageService } from './outages/provider-outage.service';
import { OutageEvaluationTicker } from './outages/outage-evaluation.ticker';
import { OnDemandCheckService } from './on-demand-check.service';
import { TokenCountsCache } from './token-counts.cache';

export const TOKEN_HEALTH_CRON_JOB = 'token-health-check';
const TOKEN_HEALTH_INTERVAL_JOB = 'token-health-interval';

/**
 * The checker's API (the seed's names). Triggers — cron, GraphQL, host code —
 * call into it; it owns no scheduling logic beyond start/stop of the named jobs.
 */
@Injectable()
export class TokenHealthService {
  private readonly logger = new Logger(TokenHealthService.name);
  private fullCycle?: Promise<CycleSummary>;

  constructor(
    private readonly runner: CheckCycleRunner,
    private readonly tokens: OAuthTokenReportRepository,
    private readonly alerts: TokenAlertService,
    private readonly stats: CheckCycleStats,
    private readonly scheduler: SchedulerRegistry,
    private readonly outages: ProviderOutageService,
    private readonly counts: TokenCountsCache,
    private readonly ticker: OutageEvaluationTicker,
    private readonly onDemand: OnDemandCheckService,
  ) {}

  async checkAllTokens(): Promise<TokenHealthReport[]> {
    await this.runFullCycle(true);
    return this.tokens.findReports();
  }

  /** Asks each provider of the client now (unless its documented limit forbids; the report then says so). */
  checkClientTokens(clientId: string): Promise<TokenHealthReport[]> {
    return this.onDemand.check(clientId);
  }

  /** Reads stored health without calling any provider. */
  getClientHealth(clientId: string): Promise<TokenHealthReport[]> {
    return this.tokens.findReports(clientId);
  }

  /** Every stored report (the deprecated `checkTokenHealth(clientId: null)` answer). */
  getAllHealth(): Promise<TokenHealthReport[]> {
    return this.tokens.findReports();
  }

  /** One full cycle now (joining one already running) and the alerts it calls for: what `runHealthCheck` does. */
  runHealthCheck(): Promise<CycleSummary> {
    return this.runFullCycleAndAlert(true);
  }

  /** Queues the alerts these reports call for (entering, reminding, resolved); idempotent. */
  async alertOnUnhealthy(reports: TokenHealthReport[]): Promise<void> {
    await this.alerts.raiseDueAlerts(reports.map(({ clientId, provider }) => ({ clientId, provider })));
  }

  /** Check now and alert: what the schedule and the `checkTokenHealth` mutation do. Errors propagate. */
  async checkAndAlert(scope: CheckScope = {}): Promise<TokenHealthReport[]> {
    if (scope.clientId === undefined) {
      await this.runFullCycleAndAlert(true);
      return this.tokens.findReports();
    }
    const reports = await this.checkClientTokens(scope.clientId);
    await this.alertOnUnhealthy(reports);
    return reports;
  }

  /** One periodic run: a full cycle, then alerts for every token due one. Never throws: a trigger has no caller to tell. */
  async runScheduledCheck(): Promise<void> {
    try {
      await this.runFullCycleAndAlert();
    } catch (error) {
      this.logger.error(`Token health cycle failed: ${(error as Error).message}`);
    }
  }

  startPeriodicCheck(intervalMinutes = 30): void {
    this.stopPeriodicCheck();
    const timer = setInterval(() => void this.runScheduledCheck(), intervalMinutes * 60_000);
    this.scheduler.addInterval(TOKEN_HEALTH_INTERVAL_JOB, timer);
    this.stats.scheduleStarted(intervalMinutes * 60_000);
  }

  stopPeriodicCheck(): void {
    if (this.scheduler.doesExist('interval', TOKEN_HEALTH_INTERVAL_JOB)) {
      this.scheduler.deleteInterval(TOKEN_HEALTH_INTERVAL_JOB);
    }
    if (this.scheduler.doesExist('cron', TOKEN_HEALTH_CRON_JOB)) {
      void this.scheduler.getCronJob(TOKEN_HEALTH_CRON_JOB).stop();
    }
    this.stats.scheduleStopped();
  }

  /** A full cycle, its provider-outage verdicts, then the per-token alerts those leave due. */
  private async runFullCycleAndAlert(onDemand = false): Promise<CycleSummary> {
    const summary = await this.ticker.during(this.runFullCycle(onDemand));
    const holds = await this.outages.evaluate(summary.startedAt);
    await this.alerts.raiseDueAlerts(undefined, holds);
    this.ticker.scheduleFollowUp(holds, () => this.alerts.raiseDueAlerts());
    return summary;
  }

  /** A full cycle already running in this process is joined, never started twice. */
  private runFullCycle(onDemand = false): Promise<CycleSummary> {
    this.fullCycle ??= this.stats
      .track(() => this.runner.run({}, { onDemand }))
      .then((summary) => {
        // Statuses change mostly here; /health and /metrics show them without waiting for the timer.
        void this.counts.refresh();
        return summary;
      })
      .finally(() => (this.fullCycle = undefined));
    return this.fullCycle;
  }
}
