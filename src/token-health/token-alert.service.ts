import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AlertingService } from '../alerting/alerting.service';
import { AppConfig } from '../config/app-config';
import { TransactionContext } from '../database/transaction-context';
import { MetricsService } from '../metrics/metrics.service';
import { OAuthTokenAlertStateRepository, TokenKey } from '../oauth/oauth-token-alert-state.repository';
import { ProviderOutageService } from './outages/provider-outage.service';
import { TokenAlertComposer } from './token-alert.composer';

export type { TokenKey } from '../oauth/oauth-token-alert-state.repository';

const BATCH_SIZE = 200;

/**
 * One alert per incident. Alerts are derived from stored state (level, not
 * edge): each due token is locked (SKIP LOCKED, so replicas never both take
 * it), handed to the AlertingService and its alert state recorded in the same
 * transaction. A crash before commit leaves it due, so the next cycle sends it.
 */
@Injectable()
export class TokenAlertService {
  private readonly logger = new Logger(TokenAlertService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly alertState: OAuthTokenAlertStateRepository,
    private readonly alerting: AlertingService,
    private readonly composer: TokenAlertComposer,
    private readonly config: AppConfig,
    private readonly outages: ProviderOutageService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Raises the due alerts of the given tokens, or of every token when `keys` is omitted. Returns how many.
   * Transient failures of `heldProviders` (default: providers with an open outage) stay silent:
   * their outage is announced once instead.
   */
  async raiseDueAlerts(keys?: TokenKey[], heldProviders?: string[]): Promise<number> {
    if (keys && keys.length === 0) return 0;
    const held = heldProviders ?? (await this.outages.heldProviders());
    const failed: string[] = [];
    let raised = 0;
    for (;;) {
      const batch = await this.dataSource.transaction((manager) =>
        TransactionContext.run(manager, () => this.raiseBatch(manager, keys, held, failed)),
      );
      raised += batch.raised;
      if (batch.claimed < BATCH_SIZE) return raised;
    }
  }

  private async raiseBatch(manager: EntityManager, keys: TokenKey[] | undefined, held: string[], failed: string[]) {
    const due = await this.alertState.lockDueAlerts(manager, {
      repeatMinutes: this.config.alerts.repeatIntervalMinutes,
      keys,
      exclude: failed,
      heldProviders: held,
      limit: BATCH_SIZE,
    });
    let raised = 0;
    for (const row of due) {
      const alert = this.composer.compose({
        clientId: row.clientId,
        provider: row.provider,
        status: row.status,
        error: row.error,
        lastAlertStatus: row.lastAlertStatus,
      });
      try {
        await this.alerting.sendAlert(alert);
      } catch (error) {
        // Not recorded, so still due: the next cycle tries again.
        failed.push(row.id);
        this.logger.error(`Alerting service refused "${alert.title}": ${(error as Error).message}`);
        continue;
      }
      await this.alertState.recordAlerted(manager, row.id, row.status);
      this.metrics.recordAlert(alert.event ?? 'token.unhealthy');
      raised++;
    }
    return { claimed: due.length, raised };
  }
}
