import { Injectable } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { CycleSummary } from './check-cycle.runner';

/**
 * What readiness and metrics need to know about the checker: when a cycle last
 * completed and how often one is expected, to tell "stalled" from "idle".
 */
@Injectable()
export class CheckCycleStats {
  lastStartedAt?: Date;
  lastCompletedAt?: Date;
  lastSummary?: CycleSummary;
  lastError?: string;
  /** Expected time between cycles while the schedule runs; undefined when it is stopped. */
  intervalMs?: number;
  scheduleStartedAt?: Date;

  constructor(private readonly metrics: MetricsService) {
    metrics.observeCheckerStalled(() => this.isStalled());
  }

  scheduleStarted(intervalMs: number, at = new Date()): void {
    this.intervalMs = intervalMs;
    this.scheduleStartedAt = at;
  }

  scheduleStopped(): void {
    this.intervalMs = undefined;
    this.scheduleStartedAt = undefined;
  }

  async track(cycle: () => Promise<CycleSummary>): Promise<CycleSummary> {
    this.lastStartedAt = new Date();
    try {
      const summary = await cycle();
      this.lastCompletedAt = summary.finishedAt;
      this.lastSummary = summary;
      this.lastError = undefined;
      const seconds = (summary.finishedAt.getTime() - this.lastStartedAt.getTime()) / 1000;
      this.metrics.recordCycle(seconds, summary.finishedAt);
      return summary;
    } catch (error) {
      this.lastError = (error as Error).message;
      throw error;
    }
  }

  /**
   * Stalled: the schedule runs, its first cycle was due, and no cycle completed
   * within two intervals.
   */
  isStalled(now = new Date()): boolean {
    if (this.intervalMs === undefined || !this.scheduleStartedAt) return false;
    const reference = Math.max(this.lastCompletedAt?.getTime() ?? 0, this.scheduleStartedAt.getTime() + this.intervalMs);
    return now.getTime() - reference > 2 * this.intervalMs;
  }
}
