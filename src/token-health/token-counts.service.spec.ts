import { ProviderStatusCount } from '../oauth/oauth-token-fleet.repository';
import { TokenStatus } from '../oauth/token-status';
import { TokenCountsCache, TokenCountsSnapshot } from './token-counts.cache';
import { TokenCountsService } from './token-counts.service';
import { TokenHealthEventRepository } from '../token-history/token-health-event.repository';

const counts = (count: number): ProviderStatusCount[] => [{ provider: 'zoho', status: TokenStatus.Healthy, count }];
const snapshotOf = (count: number, marker: string | null = '1') => ({ byProvider: counts(count), marker }) as TokenCountsSnapshot;
const events = (latest: string | null = '1') => ({ latestEventId: () => Promise.resolve(latest) }) as unknown as TokenHealthEventRepository;

/** A cache whose reads answer from a queue of counts (undefined = the database did not answer). */
function fakeCache(answers: (number | undefined)[]) {
  let current: TokenCountsSnapshot | undefined;
  const cache = {
    reads: 0,
    get snapshot() {
      return current;
    },
    refresh: () => {
      cache.reads++;
      const next = answers.shift();
      if (next !== undefined) current = snapshotOf(next);
      return Promise.resolve();
    },
  };
  return cache;
}

describe(TokenCountsService.name, () => {
  it('waits for the first count when the cache holds none yet', async () => {
    const cache = fakeCache([1]);
    const sut = new TokenCountsService(cache as unknown as TokenCountsCache, events());

    expect(await sut.counts()).toEqual(counts(1));
    expect(cache.reads).toBe(1);
  });

  it('serves the cached snapshot without reading again', async () => {
    const cache = fakeCache([1, 2]);
    const sut = new TokenCountsService(cache as unknown as TokenCountsCache, events());
    await sut.counts();

    expect(await sut.counts()).toEqual(counts(1));
    expect(cache.reads).toBe(1);
  });

  it('reads afresh once after invalidate, then serves the cache again', async () => {
    const cache = fakeCache([1, 2, 3]);
    const sut = new TokenCountsService(cache as unknown as TokenCountsCache, events());
    await sut.counts();

    sut.invalidate();

    expect(await sut.counts()).toEqual(counts(2));
    expect(await sut.counts()).toEqual(counts(2));
    expect(cache.reads).toBe(2);
  });

  it('reads afresh when a status changed since the cached count (a newer history event)', async () => {
    const cache = fakeCache([1, 2]);
    const latest = { id: '1' };
    const sut = new TokenCountsService(
      cache as unknown as TokenCountsCache,
      {
        latestEventId: () => Promise.resolve(latest.id),
      } as unknown as TokenHealthEventRepository,
    );
    await sut.counts();

    latest.id = '2';

    expect(await sut.counts()).toEqual(counts(2));
  });

  it('reports unavailable counts when the database never answered', async () => {
    const sut = new TokenCountsService(fakeCache([undefined]) as unknown as TokenCountsCache, events());

    await expect(sut.counts()).rejects.toThrow('Token counts are unavailable');
  });
});
