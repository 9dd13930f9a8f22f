import { ClaimLane, LeasedToken } from '../oauth/oauth-token-lease.repository';
import { RefreshResult } from '../oauth/oauth-token-lease.repository';

/** What a lane needs from the cycle: claims of its own tokens, one refresh, and where results go. */
export interface LaneWork {
  claim(lane: ClaimLane, limit: number): Promise<LeasedToken[]>;
  refresh(token: LeasedToken): Promise<RefreshResult>;
  /** A throttled refresh: the stored verdict stands and the lease is given back, so the token is claimed again. */
  requeue(token: LeasedToken): Promise<void>;
  /** A result to store (a throttle that outlived every re-queue is stored as the token's kept verdict). */
  store(result: RefreshResult): void;
  stopping(): boolean;
  /** Called with the most urgent claimed token of each claim (the lane's oldest due). */
  claimed?(tokens: LeasedToken[]): void;
}

const IDLE_POLL_MS = 50;

/**
 * One provider's queue within a cycle: its own claims and workers, so a throttled or slow
 * provider never holds workers another provider could use. Claims are sized by `claimSize()`
 * (what the budget can serve within a lease), refilled once less than a round is queued.
 */
export class RefreshLane {
  private readonly queue: LeasedToken[] = [];
  private readonly requeues = new Map<string, number>();
  private exhausted = false;
  private claiming?: Promise<void>;
  private busy = 0;
  claimError: unknown;
  readonly counts = { refreshed: 0, failed: 0 };

  constructor(
    private readonly lane: ClaimLane,
    private readonly workers: number,
    private readonly claimSize: () => number,
    private readonly work: LaneWork,
    private readonly isWorking: (result: RefreshResult) => boolean,
    /** A token throttled more often than this in one cycle keeps its verdict until the next cycle. */
    private readonly maxRequeues: number,
  ) {}

  async run(): Promise<void> {
    await Promise.all(Array.from({ length: this.workers }, () => this.worker()));
  }

  private refill(): Promise<void> | undefined {
    if (this.exhausted || this.claiming || this.queue.length >= this.workers) return this.claiming;
    this.claiming = this.work
      .claim(this.lane, this.claimSize())
      .then(
        (tokens) => {
          if (tokens.length === 0) this.exhausted = true;
          else this.work.claimed?.(tokens);
          this.queue.push(...tokens);
        },
        (error: unknown) => {
          this.claimError = error;
          this.exhausted = true;
        },
      )
      .finally(() => (this.claiming = undefined));
    return this.claiming;
  }

  private async next(): Promise<LeasedToken | undefined> {
    for (;;) {
      // Claimed but not started at shutdown: their leases expire and another process takes them.
      if (this.work.stopping() || this.claimError !== undefined) return undefined;
      if (this.queue.length === 0 && !this.exhausted) await this.refill();
      const token = this.queue.shift();
      if (token) {
        void this.refill();
        return token;
      }
      // Another worker may still give a throttled token back: wait for it before leaving.
      if (this.busy === 0) return undefined;
      await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
    }
  }

  private async worker(): Promise<void> {
    for (let token = await this.next(); token !== undefined; token = await this.next()) {
      this.busy++;
      try {
        const result = await this.work.refresh(token);
        if (result.throttled && this.requeue(token.id)) {
          await this.work.requeue(token);
          this.exhausted = false;
          continue;
        }
        if (this.isWorking(result)) this.counts.refreshed++;
        else this.counts.failed++;
        this.work.store(result);
      } finally {
        this.busy--;
      }
    }
  }

  private requeue(id: string): boolean {
    const count = (this.requeues.get(id) ?? 0) + 1;
    this.requeues.set(id, count);
    return count <= this.maxRequeues;
  }
}
