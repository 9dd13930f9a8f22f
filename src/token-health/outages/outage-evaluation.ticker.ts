import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { TransientHold } from '../../oauth/token-alert-state.repository';
import { ProviderOutageService } from './provider-outage.service';

/** Evaluations per window while a cycle runs: an outage opens well within one window, however long the cycle. */
const TICKS_PER_WINDOW = 10;

/**
 * Keeps outage verdicts moving when no cycle ends: every tenth of the window while
 * this process runs a cycle, and once more one window after a raise that left
 * failures waiting for a verdict, so such a wait is bounded by the window.
 */
@Injectable()
export class OutageEvaluationTicker implements BeforeApplicationShutdown {
  private readonly logger = new Logger(OutageEvaluationTicker.name);
  private followUp?: NodeJS.Timeout;
  private ticking = false;

  constructor(
    private readonly outages: ProviderOutageService,
    private readonly config: AppConfig,
  ) {}

  beforeApplicationShutdown(): void {
    clearTimeout(this.followUp);
    this.followUp = undefined;
  }

  /** Runs `work`, evaluating the window every tick until it settles. */
  async during<T>(work: Promise<T>): Promise<T> {
    const timer = setInterval(() => void this.tick(), this.windowMs() / TICKS_PER_WINDOW);
    try {
      return await work;
    } finally {
      clearInterval(timer);
    }
  }

  /** After a raise: when some failures wait for a verdict, `raise` runs again once their wait is over. */
  scheduleFollowUp(holds: TransientHold[], raise: () => Promise<unknown>): void {
    if (!holds.some((hold) => hold.followUp) || this.followUp) return;
    this.followUp = setTimeout(() => {
      this.followUp = undefined;
      raise().catch((error: unknown) => this.logger.error(`Raising alerts after an outage verdict failed: ${(error as Error).message}`));
    }, this.windowMs() + 1000);
    this.followUp.unref();
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.outages.evaluate();
    } catch (error) {
      this.logger.error(`Evaluating provider outages failed: ${(error as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  private windowMs(): number {
    return this.config.outage.windowMinutes * 60_000;
  }
}
