import { Injectable } from '@nestjs/common';
import { CronTime } from 'cron';
import { AppConfig } from '../config/app-config';

/** When the periodic check runs next in this process, for advice such as "retried at the next check (around …)". */
@Injectable()
export class NextScheduledCheck {
  constructor(private readonly config: AppConfig) {}

  /** Undefined when this process runs no periodic check. */
  at(): Date | undefined {
    const { enabled, cron } = this.config.tokenHealth;
    if (!enabled) return undefined;
    return new Date((new CronTime(cron).sendAt() as unknown as { toMillis(): number }).toMillis());
  }
}
