import { Injectable } from '@nestjs/common';
import { OAuthTokenFleetRepository, ProviderStatusCount } from '../oauth/oauth-token-fleet.repository';

// Counts may lag this much behind the table: a summary is a glance, not an audit.
const MAX_AGE_MS = 5_000;

/**
 * Token counts per provider and status for summaries, served from a short-lived
 * snapshot so a busy console or API costs one GROUP BY per few seconds, not one
 * per request. The single place to switch to a shared counts cache.
 */
@Injectable()
export class TokenCountsService {
  private snapshot?: { at: number; counts: Promise<ProviderStatusCount[]> };

  constructor(private readonly fleet: OAuthTokenFleetRepository) {}

  counts(now = Date.now()): Promise<ProviderStatusCount[]> {
    if (!this.snapshot || now - this.snapshot.at > MAX_AGE_MS) {
      const counts = this.fleet.countByProviderAndStatus();
      const snapshot = { at: now, counts };
      this.snapshot = snapshot;
      // A failed read is not kept: the next caller tries again.
      counts.catch(() => {
        if (this.snapshot === snapshot) this.snapshot = undefined;
      });
    }
    return this.snapshot.counts;
  }

  /** Forget the snapshot (after an action whose effect the caller is about to show). */
  invalidate(): void {
    this.snapshot = undefined;
  }
}
