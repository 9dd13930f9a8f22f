import { Logger } from '@nestjs/common';
import { OAuthProviderError, OAuthProviderErrorCode } from '../oauth-provider.error';
import { BudgetLimits, Grant, RefreshBudgetRepository } from './refresh-budget.repository';

/** Hand-outs and on-demand checks are served before the sweep's refreshes. */
export type PacingPriority = 'first' | 'sweep';

/** The answer a paced request got: a throttle pauses and slows every replica; an answer raises the rate. */
export type PacedOutcome = { throttled: false } | { throttled: true; retryAfterSeconds?: number };

export interface Permit {
  done(outcome: PacedOutcome): void;
}

interface Waiter {
  priority: PacingPriority;
  resolve: (permit: Permit) => void;
  reject: (error: Error) => void;
}

// Zoho's "Access Denied" says "try again after some time" without saying how long.
const DEFAULT_PAUSE_SECONDS = 2;
const MAX_GRANT = 50;
const MAX_WAIT_MS = 1000;
const CONCURRENCY_POLL_MS = 20;
const OBSERVED_WINDOW_MS = 2000;

/**
 * One provider's budget as this process sees it: requests wait here for a permit taken from the
 * shared row, priority waiters first; permits are taken only for waiting requests, so no replica
 * hoards any.
 */
export class ProviderPacer {
  private readonly logger = new Logger(ProviderPacer.name);
  private readonly waiters: Waiter[] = [];
  private readonly answeredAt: number[] = [];
  private inFlight = 0;
  private answeredSinceGrant = 0;
  private pumping = false;
  private stopped = false;
  private ready?: Promise<void>;
  /** Known locally from the last grant or throttle, so hand-outs fail fast instead of waiting out a pause. */
  pausedUntil = 0;
  rate: number | null;
  throttledAnswers = 0;
  private readonly throttleEvents: number[] = [];

  constructor(
    readonly key: string,
    readonly limits: BudgetLimits,
    private readonly replica: string,
    private readonly repository: RefreshBudgetRepository,
    private readonly staleSeconds: number,
  ) {
    this.rate = limits.maxRate ?? null;
  }

  get queued(): number {
    return this.waiters.length;
  }

  get paused(): boolean {
    return this.pausedUntil > Date.now();
  }

  /** The same rule as the shared row's: throttled again after a pause, recently. */
  get throttling(): boolean {
    const now = Date.now();
    const recent = this.throttleEvents.filter((at) => at > now - 5 * 60_000);
    return recent.length >= 2 && recent[recent.length - 1] > now - 60_000;
  }

  acquire(priority: PacingPriority): Promise<Permit> {
    if (this.stopped) return Promise.reject(stoppingError(this.key));
    return new Promise((resolve, reject) => {
      const waiter = { priority, resolve, reject };
      if (priority === 'first') {
        const firstSweep = this.waiters.findIndex((w) => w.priority === 'sweep');
        this.waiters.splice(firstSweep < 0 ? this.waiters.length : firstSweep, 0, waiter);
      } else this.waiters.push(waiter);
      void this.pump();
    });
  }

  /** At shutdown: waiting requests are given back as throttled (their tokens keep their verdicts). */
  stop(): void {
    this.stopped = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(stoppingError(this.key));
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    try {
      this.ready ??= this.repository.ensure(this.key);
      await this.ready;
      while (this.waiters.length > 0 && !this.stopped) {
        const grant = await this.take(Math.min(MAX_GRANT, this.waiters.length));
        for (let i = 0; i < grant.granted; i++) this.hand(this.waiters.shift());
        if (this.waiters.length > 0 && !(grant.granted > 0)) await sleep(this.waitAfter(grant));
      }
    } catch (error) {
      // The database is away: wait a moment and try again rather than let requests through unpaced.
      this.logger.warn(`Could not take refresh permits for ${this.key}: ${(error as Error).message}`);
      this.ready = undefined;
      this.pumping = false;
      if (this.stopped) return;
      await sleep(MAX_WAIT_MS);
      return this.pump();
    }
    this.pumping = false;
  }

  private async take(want: number): Promise<Grant> {
    const answered = this.answeredSinceGrant;
    this.answeredSinceGrant = 0;
    const grant = await this.repository.grant(
      { key: this.key, replica: this.replica, inFlight: this.inFlight, want, answered, ...this.limits },
      this.staleSeconds,
    );
    this.rate = grant.rate;
    this.pausedUntil = grant.pausedUntil?.getTime() ?? 0;
    return grant;
  }

  private waitAfter(grant: Grant): number {
    const pause = this.pausedUntil - Date.now();
    if (pause > 0) return Math.min(pause, MAX_WAIT_MS * 5);
    if (grant.rate === null || grant.remaining >= 1) return CONCURRENCY_POLL_MS;
    return Math.max(5, Math.min(MAX_WAIT_MS, Math.ceil((1000 * (1 - grant.remaining)) / grant.rate)));
  }

  private hand(waiter: Waiter | undefined): void {
    if (!waiter) return;
    this.inFlight++;
    let finished = false;
    waiter.resolve({
      done: (outcome) => {
        if (finished) return;
        finished = true;
        this.inFlight--;
        if (outcome.throttled) this.onThrottle(outcome.retryAfterSeconds);
        else this.onAnswer();
        if (this.inFlight === 0 && this.limits.maxConcurrency !== undefined) void this.repository.idle(this.key, this.replica).catch(() => {});
      },
    });
  }

  private onAnswer(): void {
    this.answeredSinceGrant++;
    const now = Date.now();
    this.answeredAt.push(now);
    while (this.answeredAt.length > 0 && this.answeredAt[0] < now - OBSERVED_WINDOW_MS) this.answeredAt.shift();
  }

  private onThrottle(retryAfterSeconds: number | undefined): void {
    this.throttledAnswers++;
    if (!this.paused) this.throttleEvents.push(Date.now());
    if (this.throttleEvents.length > 10) this.throttleEvents.shift();
    const pauseSeconds = retryAfterSeconds ?? DEFAULT_PAUSE_SECONDS;
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + pauseSeconds * 1000);
    const span = this.answeredAt.length > 0 ? Math.max(250, Date.now() - this.answeredAt[0]) : OBSERVED_WINDOW_MS;
    const observed = (this.answeredAt.length * 1000) / span;
    void this.repository.throttled(this.key, pauseSeconds, observed, this.limits.maxRate).catch((error: Error) => {
      this.logger.warn(`Could not record a throttle of ${this.key}: ${error.message}`);
    });
  }
}

function stoppingError(key: string): OAuthProviderError {
  return new OAuthProviderError(OAuthProviderErrorCode.Throttled, `no refresh of ${key} starts while the process stops`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
