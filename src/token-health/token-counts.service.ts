import { Injectable } from '@nestjs/common';
import { ProviderStatusCount } from '../oauth/oauth-token-fleet.repository';
import { TokenCountsCache } from './token-counts.cache';

/**
 * Token counts per provider and status for summaries, read from the shared
 * TokenCountsCache: a busy console or API costs no query per request. After an
 * admin action the next read waits for one fresh count, so the page shows it.
 */
@Injectable()
export class TokenCountsService {
  private stale = false;

  constructor(private readonly cache: TokenCountsCache) {}

  async counts(): Promise<ProviderStatusCount[]> {
    if (this.stale || !this.cache.snapshot) {
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
