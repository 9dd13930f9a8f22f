import { Injectable } from '@nestjs/common';

const WINDOW_MS = 15 * 60_000;
const MAX_FAILURES_PER_ADDRESS = 10;
// Bounds guessing spread over many addresses, and this map's size.
const MAX_FAILURES_OVERALL = 200;

/**
 * Failed console logins per client address in a sliding 15-minute window. In
 * memory and per process: it slows guessing down, the token's length does the rest.
 */
@Injectable()
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  isBlocked(address: string, now = Date.now()): boolean {
    this.forgetOld(now);
    return (this.failures.get(address)?.length ?? 0) >= MAX_FAILURES_PER_ADDRESS || this.total() >= MAX_FAILURES_OVERALL;
  }

  recordFailure(address: string, now = Date.now()): void {
    const times = this.failures.get(address) ?? [];
    times.push(now);
    this.failures.set(address, times);
  }

  recordSuccess(address: string): void {
    this.failures.delete(address);
  }

  private forgetOld(now: number): void {
    for (const [address, times] of this.failures) {
      const recent = times.filter((time) => now - time < WINDOW_MS);
      if (recent.length === 0) this.failures.delete(address);
      else this.failures.set(address, recent);
    }
  }

  private total(): number {
    let sum = 0;
    for (const times of this.failures.values()) sum += times.length;
    return sum;
  }
}
