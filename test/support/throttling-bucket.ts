// A provider's rate limit as a token bucket, for the fake token endpoint: answers above the bucket
// are throttled Zoho's way (Access Denied, HTTP 200) or with 429 + Retry-After. Every arrival is
// recorded with its time, so a spec can count requests per second or inside a Retry-After.
import { Behaviour, FakeResponse, TokenRequest, zohoSuccess } from './fake-oauth-provider';

export type ThrottleStyle = { kind: 'zoho' } | { kind: '429'; retryAfterSeconds: number };

export interface Arrival {
  at: number;
  refreshToken: string | null;
  throttled: boolean;
  /** For a 429: until when the answer asked us to wait. */
  retryUntil?: number;
}

export class ThrottlingBucket {
  readonly arrivals: Arrival[] = [];
  private tokens: number;
  private refilledAt = Date.now();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly style: ThrottleStyle,
  ) {
    this.tokens = burst;
  }

  get behaviour(): Behaviour {
    return (request) => this.answer(request);
  }

  /** Refresh tokens the provider accepted (each at least once). */
  accepted(): Set<string> {
    return new Set(this.arrivals.filter((a) => !a.throttled && a.refreshToken).map((a) => a.refreshToken!));
  }

  /** Requests that arrived after a 429 had asked for a pause (plus `graceMs` for requests already on their way) and before it ended. */
  sentDuringRetryAfter(graceMs: number): number {
    const pauses = this.arrivals.filter((a) => a.retryUntil !== undefined).map((a) => [a.at + graceMs, a.retryUntil!] as const);
    return this.arrivals.filter((a) => pauses.some(([from, until]) => a.at > from && a.at < until)).length;
  }

  /** The most requests that arrived within any one second. */
  busiestSecond(): number {
    let most = 0;
    for (let first = 0, last = 0; last < this.arrivals.length; last++) {
      while (this.arrivals[last].at - this.arrivals[first].at >= 1000) first++;
      most = Math.max(most, last - first + 1);
    }
    return most;
  }

  private answer(request: TokenRequest): FakeResponse {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = now;
    const allowed = this.tokens >= 1;
    if (allowed) this.tokens -= 1;
    const arrival: Arrival = { at: now, refreshToken: request.refreshToken, throttled: !allowed };
    this.arrivals.push(arrival);
    if (allowed) return zohoSuccess();
    if (this.style.kind === 'zoho') {
      return {
        status: 200,
        body: { error: 'Access Denied', error_description: 'You have made too many requests continuously. Please try again after some time.' },
      };
    }
    arrival.retryUntil = now + this.style.retryAfterSeconds * 1000;
    return { status: 429, headers: { 'retry-after': String(this.style.retryAfterSeconds) }, body: {} };
  }
}
