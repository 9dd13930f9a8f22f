import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { TokenHealthError } from '../common/token-health.error';
import { addressBucket } from './client-address';

/** Which secret a failure guessed at: each has its own buckets and its own global tier. */
export type AuthScope = 'admin-token' | 'metrics-token';

const WINDOW_MS = 15 * 60_000;
const FAILURES_PER_ADDRESS = 10;
// Under a flood from many addresses each one gets fewer tries; an address without failures still gets in.
const FAILURES_PER_ADDRESS_UNDER_PRESSURE = 3;
const PRESSURE_AFTER_FAILURES = 100;
const PRESSURE_DELAY_MS = 1000;
// Bounds memory; the oldest bucket goes first, and the global tier still counts what it held.
const MAX_TRACKED_BUCKETS = 10_000;

class ScopeFailures {
  /** Failure times per address bucket, oldest first, at most FAILURES_PER_ADDRESS each. */
  readonly buckets = new Map<string, number[]>();
  /** Failures of every address, counted per minute. */
  readonly perMinute = new Map<number, number>();
}

/**
 * Limits failed authentications (console login, API bearer, metrics bearer) in a
 * sliding 15-minute window. Refusals are per address bucket (IPv6 by /64), so an
 * attacker without the token can lock out only the addresses it uses; the global
 * tier never refuses, it tightens the per-address budget and delays failure answers.
 * Per process and in memory: see docs/decisions.md §33.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly scopes = new Map<AuthScope, ScopeFailures>();

  /** Seconds until the address may try again, or undefined when it may try now. Ask before checking the credential. */
  retryAfterSeconds(scope: AuthScope, address: string | undefined, now = Date.now()): number | undefined {
    const failures = this.scope(scope);
    const times = recent(failures.buckets.get(addressBucket(address)), now);
    const budget = this.underPressure(failures, now) ? FAILURES_PER_ADDRESS_UNDER_PRESSURE : FAILURES_PER_ADDRESS;
    if (times.length < budget) return undefined;
    return Math.max(1, Math.ceil((times[times.length - budget] + WINDOW_MS - now) / 1000));
  }

  /** Throws TooManyAttempts when the address may not try now. */
  assertMayTry(scope: AuthScope, address: string | undefined): void {
    const retryAfter = this.retryAfterSeconds(scope, address);
    if (retryAfter !== undefined) throw TokenHealthError.tooManyAttempts(retryAfter);
  }

  /** Counts a failure; returns how long its answer should be held back (0 unless under pressure). */
  recordFailure(scope: AuthScope, address: string | undefined, now = Date.now()): number {
    const failures = this.scope(scope);
    const key = addressBucket(address);
    const times = recent(failures.buckets.get(key), now);
    times.push(now);
    failures.buckets.delete(key);
    failures.buckets.set(key, times.slice(-FAILURES_PER_ADDRESS));
    if (failures.buckets.size > MAX_TRACKED_BUCKETS) failures.buckets.delete(failures.buckets.keys().next().value!);
    const minute = Math.floor(now / 60_000);
    failures.perMinute.set(minute, (failures.perMinute.get(minute) ?? 0) + 1);
    return this.underPressure(failures, now) ? PRESSURE_DELAY_MS : 0;
  }

  /** Counts a failure and waits out its delay. */
  async failed(scope: AuthScope, address: string | undefined): Promise<void> {
    const delayMs = this.recordFailure(scope, address);
    if (delayMs > 0) await sleep(delayMs);
  }

  private underPressure(failures: ScopeFailures, now: number): boolean {
    const oldestMinute = Math.floor((now - WINDOW_MS) / 60_000);
    let total = 0;
    for (const [minute, count] of failures.perMinute) {
      if (minute <= oldestMinute) failures.perMinute.delete(minute);
      else total += count;
    }
    return total >= PRESSURE_AFTER_FAILURES;
  }

  private scope(scope: AuthScope): ScopeFailures {
    let failures = this.scopes.get(scope);
    if (!failures) this.scopes.set(scope, (failures = new ScopeFailures()));
    return failures;
  }
}

function recent(times: number[] | undefined, now: number): number[] {
  return (times ?? []).filter((time) => now - time < WINDOW_MS);
}
