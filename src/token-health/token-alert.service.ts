import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { AlertIntake } from '../alerting/alert-intake';
import { AppConfig } from '../config/app-config';
import { TransactionContext } from '../database/transaction-context';
import { MetricsService } from '../metrics/metrics.service';
import { ProviderOutageService } from './outages/provider-outage.service';
import { TokenAlertComposer } from './token-alert.composer';
import { TokenAlertDigestComposer } from './token-alert-digest.composer';
import { DueAlertFilter, DueAlertKind, TokenAlertStateRepository, TransientHold } from '../oauth/token-alert-state.repository';
import { AlertAudience } from '../alerting/alert';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';
import { ProviderConfigurationService } from './configuration/provider-configuration.service';

export interface TokenKey {
  clientId: string;
  provider: string;
}

const BATCH_SIZE = 200;
// Bounds one digest transaction: its row locks, its outbox rows and its length.
const DIGEST_BATCH_SIZE = 500;

const DIGEST_KINDS: DueAlertKind[] = ['alert', 'reminder', 'resolved'];

/**
 * One alert per incident. Alerts are derived from stored state (level, not
 * edge): each due token is locked (SKIP LOCKED, so replicas never both take
 * it), queued in the alert outbox and its alert state recorded in the same
 * transaction. A crash before commit leaves it due, so the next cycle sends it.
 * Nothing outside is called while the rows are locked: the outbox delivers after commit.
 */
@Injectable()
export class TokenAlertService {
  private readonly logger = new Logger(TokenAlertService.name);

  constructor(
    @InjectTokenHealthDataSource() private readonly dataSource: DataSource,
    private readonly alerting: AlertIntake,
    private readonly composer: TokenAlertComposer,
    private readonly config: AppConfig,
    private readonly outages: ProviderOutageService,
    private readonly metrics: MetricsService,
    private readonly alertState: TokenAlertStateRepository,
    private readonly digestComposer: TokenAlertDigestComposer,
    private readonly configuration: ProviderConfigurationService,
  ) {}

  /**
   * Raises the due alerts of the given tokens, or of every token when `keys` is omitted. Returns how many.
   * Transient failures under `holds` (default: a fresh outage evaluation's) stay silent:
   * their outage is announced once instead.
   */
  async raiseDueAlerts(keys?: TokenKey[], holds?: TransientHold[]): Promise<number> {
    if (keys && keys.length === 0) return 0;
    // Recording an alert nobody can receive would lose it: without a channel every alert stays due.
    if (!this.alerting.hasChannel) return 0;
    // A provider without app credentials is one incident; its tokens' own alerts are held meanwhile.
    await this.configuration.evaluate();
    const held = holds ?? (await this.outages.evaluate());
    // Tokens this raise already handled (alerted or refused): with ALERT_REPEAT_INTERVAL_MINUTES=0
    // an alerted token is due a reminder again at once, and must not be taken by the next batch.
    const handled: string[] = [];
    let raised = 0;
    for (const kind of DIGEST_KINDS) {
      const filter = { repeatMinutes: this.config.alerts.repeatIntervalMinutes, keys, holds: held, handledIds: handled };
      raised += await this.raiseDigest(kind, filter, handled);
    }
    for (;;) {
      const batch = await this.dataSource.transaction((manager) =>
        TransactionContext.run(manager, () => this.raiseBatch(manager, keys, held, handled)),
      );
      raised += batch.raised;
      if (batch.claimed < BATCH_SIZE) return raised;
    }
  }

  /**
   * More than ALERT_DIGEST_THRESHOLD tokens due the same kind of alert at once: people get
   * one digest, machines (the webhook) still one event per token. The sweep commits in
   * batches of DIGEST_BATCH_SIZE, so a storm of any size never becomes one long transaction;
   * a session lock keeps other replicas' sweeps out until it is done.
   * At or under the threshold nothing happens here and the per-token path sends them.
   */
  private async raiseDigest(kind: DueAlertKind, filter: DueAlertFilter, handled: string[]): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await this.alertState.lockDigests(runner.manager);
      try {
        return await this.sweepDigest(runner, kind, filter, handled);
      } finally {
        await this.alertState.unlockDigests(runner.manager);
      }
    } finally {
      await runner.release();
    }
  }

  private async sweepDigest(runner: QueryRunner, kind: DueAlertKind, filter: DueAlertFilter, handled: string[]): Promise<number> {
    const threshold = this.config.alerts.digestThreshold;
    const batchSize = Math.max(DIGEST_BATCH_SIZE, threshold + 1);
    let swept = 0;
    for (;;) {
      const rows = await this.inTransaction(runner, async (manager) => {
        const first = swept === 0;
        const due = first ? await this.alertState.countDue(manager, kind, filter) : 0;
        if (first && due <= threshold) return [];
        const batch = await this.alertState.claimDue(manager, kind, filter, batchSize);
        // Rows a per-token batch holds right now were skipped; if that leaves too few, they go one by one.
        if (first && batch.length <= threshold) return [];
        for (const row of batch) {
          const alert = this.composer.compose(row);
          await this.alerting.accept({ ...alert, audience: AlertAudience.Machines });
          this.metrics.recordAlert(alert.event ?? 'token.unhealthy');
        }
        if (first) {
          const statuses = await this.alertState.dueStatuses(manager, kind, filter);
          await this.alerting.accept(this.digestComposer.compose(kind, batch, { count: due, statuses }));
          this.metrics.recordAlert('digest');
        }
        await this.alertState.markAlerted(
          manager,
          batch.map((row) => row.id),
        );
        return batch;
      });
      handled.push(...rows.map((row) => row.id));
      swept += rows.length;
      if (rows.length < batchSize) break;
    }
    if (swept > 0) this.logger.log(`One ${kind} digest for ${swept} connections instead of ${swept} messages`);
    return swept;
  }

  private inTransaction<T>(runner: QueryRunner, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return runner.manager.transaction((manager) => TransactionContext.run(manager, () => work(manager)));
  }

  private async raiseBatch(manager: EntityManager, keys: TokenKey[] | undefined, held: TransientHold[], handled: string[]) {
    const rows = await this.alertState.lockDueBatch(manager, {
      repeatMinutes: this.config.alerts.repeatIntervalMinutes,
      keys,
      holds: held,
      handledIds: handled,
      limit: BATCH_SIZE,
    });
    let raised = 0;
    for (const row of rows) {
      const alert = this.composer.compose(row);
      handled.push(String(row.id));
      try {
        await this.alerting.accept(alert);
      } catch (error) {
        // Not recorded, so still due: the next cycle tries again.
        this.logger.error(`Alerting service refused "${alert.title}": ${(error as Error).message}`);
        continue;
      }
      await this.alertState.recordAlerted(manager, row.id, row.status);
      this.metrics.recordAlert(alert.event ?? 'token.unhealthy');
      raised++;
    }
    return { claimed: rows.length, raised };
  }
}
