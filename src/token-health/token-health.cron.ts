import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Cron, SchedulerRegistry } from '@nestjs/schedule';
import { CronTime } from 'cron';
import { AppConfig } from '../config/app-config';
import { CheckCycleStats } from './check-cycle.stats';
import { TOKEN_HEALTH_CRON_JOB, TokenHealthService } from './token-health.service';

/**
 * The periodic trigger. `@Cron` needs a constant, so the job is declared with
 * the contract's default and re-timed at bootstrap to `TOKEN_HEALTH_CRON`.
 */
@Injectable()
export class TokenHealthCron implements OnApplicationBootstrap {
  private readonly logger = new Logger(TokenHealthCron.name);

  constructor(
    private readonly service: TokenHealthService,
    private readonly scheduler: SchedulerRegistry,
    private readonly stats: CheckCycleStats,
    private readonly config: AppConfig,
  ) {}

  @Cron('0 */30 * * * *', { name: TOKEN_HEALTH_CRON_JOB, disabled: true, waitForCompletion: true })
  handleTick(): Promise<void> {
    return this.service.runScheduledCheck();
  }

  onApplicationBootstrap(): void {
    const { enabled, cron } = this.config.tokenHealth;
    if (!enabled) {
      this.logger.log('Periodic token health check is disabled (TOKEN_HEALTH_ENABLED=false)');
      return;
    }
    const job = this.scheduler.getCronJob(TOKEN_HEALTH_CRON_JOB);
    const time = new CronTime(cron);
    job.setTime(time);
    job.start();
    const [first, second] = time.sendAt(2) as unknown as { toMillis(): number }[];
    this.stats.scheduleStarted(second.toMillis() - first.toMillis(), new Date(first.toMillis() - (second.toMillis() - first.toMillis())));
    this.logger.log(`Periodic token health check scheduled: ${cron}`);
  }
}
