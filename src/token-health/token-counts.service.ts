import { Injectable } from '@nestjs/common';
import { ProviderStatusCount } from '../oauth/oauth-token-fleet.repository';
import { TokenHealthEventRepository } from '../token-history/token-health-event.repository';
import { TokenCountsCache } from './token-counts.cache';

/**
 * Token counts per provider and status for summaries, read from the shared
 * TokenCountsCache. A summary never shows counts older than the last write: one
 * index lookup (the newest history event, which every insert and status change
 * writes, on any replica) tells whether the cached counts still hold.
 */
@Injectable()
export class TokenCountsService {
  private stale = false;

  constructor(
    private readonly cache: TokenCountsCache,
    private readonly events: TokenHealthEventRepository,
  ) {}

  async counts(): Promise<ProviderStatusCount[]> {
    const latest = await this.events.latestEventId();
    // Twice at most: a read already in flight may have begun before the latest write.
    for (let read = 0; read < 2 && (this.stale || !this.cache.snapshot || this.cache.snapshot.marker !== latest); read++) {
      this.stale = false;
      await this.cache.refresh();
    }
    const snapshot = this.cache.snapshot;
    if (!snapshot) throw new Error('Token counts are unavailable (the database did not answer)');
    return snapshot.byProvider;
  }

  /** The next read counts again (after an action whose effect the caller is about to show). */
  invalidate(): void {
    this.stale = true;
  }
}
