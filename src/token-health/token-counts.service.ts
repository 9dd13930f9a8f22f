import { Injectable } from '@nestjs/common';
import { OAuthTokenFleetRepository, ProviderStatusCount } from '../oauth/oauth-token-fleet.repository';

// Counts may lag this much behind the table: a summary is a glance, not an audit.
const MAX_AGE_MS = 15_000;

/**
 * Token counts per provider and status for summaries, from a snapshot: one
 * GROUP BY per 15 s at most, run in the background while callers get the
 * previous snapshot, so no request waits for a count of the whole table (only
 * the first, or the first after `invalidate`). The single place to switch to a
 * shared counts cache.
 */
@Injectable()
export class TokenCountsService {
  private snapshot?: { at: number; counts: ProviderStatusCount[] };
  private refreshing?: Promise<ProviderStatusCount[]>;

  constructor(private readonly fleet: OAuthTokenFleetRepository) {}

  async counts(now = Date.now()): Promise<ProviderStatusCount[]> {
    if (!this.snapshot) return this.refresh(now);
    if (now - this.snapshot.at > MAX_AGE_MS) void this.refresh(now).catch(() => undefined);
    return this.snapshot.counts;
  }

  /** Forget the snapshot: the next caller waits for fresh counts (after an action whose effect it shows). */
  invalidate(): void {
    this.snapshot = undefined;
    this.refreshing = undefined;
  }

  private refresh(now: number): Promise<ProviderStatusCount[]> {
    if (this.refreshing) return this.refreshing;
    const refreshing = this.fleet.countByProviderAndStatus().then(
      (counts) => {
        if (this.refreshing === refreshing) {
          this.snapshot = { at: now, counts };
          this.refreshing = undefined;
        }
        return counts;
      },
      (error: unknown) => {
        if (this.refreshing === refreshing) this.refreshing = undefined;
        throw error;
      },
    );
    this.refreshing = refreshing;
    return refreshing;
  }
}
