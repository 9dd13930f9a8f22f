import { OAuthTokenFleetRepository, ProviderStatusCount } from '../oauth/oauth-token-fleet.repository';
import { TokenStatus } from '../oauth/token-status';
import { TokenCountsService } from './token-counts.service';

const counts = (count: number): ProviderStatusCount[] => [{ provider: 'zoho', status: TokenStatus.Healthy, count }];

describe(TokenCountsService.name, () => {
  let answers: Promise<ProviderStatusCount[]>[];
  let calls: number;
  let sut: TokenCountsService;
  const now = 1_000_000;

  beforeEach(() => {
    answers = [];
    calls = 0;
    const fleet = { countByProviderAndStatus: () => (calls++, answers.shift()!) } as unknown as OAuthTokenFleetRepository;
    sut = new TokenCountsService(fleet);
  });

  it('waits for the first count', async () => {
    answers.push(Promise.resolve(counts(1)));

    expect(await sut.counts(now)).toEqual(counts(1));
  });

  it('serves the snapshot without counting again for 15 s', async () => {
    answers.push(Promise.resolve(counts(1)));
    await sut.counts(now);

    expect(await sut.counts(now + 15_000)).toEqual(counts(1));
    expect(calls).toBe(1);
  });

  it('serves the old snapshot while a stale one is recounted, then the new one', async () => {
    answers.push(Promise.resolve(counts(1)));
    await sut.counts(now);
    let finish!: (value: ProviderStatusCount[]) => void;
    answers.push(new Promise((resolve) => (finish = resolve)));

    expect(await sut.counts(now + 16_000)).toEqual(counts(1));
    expect(await sut.counts(now + 16_001)).toEqual(counts(1));
    finish(counts(2));
    await new Promise((resolve) => setImmediate(resolve));

    expect(await sut.counts(now + 16_002)).toEqual(counts(2));
    expect(calls).toBe(2);
  });

  it('counts afresh after invalidate', async () => {
    answers.push(Promise.resolve(counts(1)), Promise.resolve(counts(2)));
    await sut.counts(now);

    sut.invalidate();

    expect(await sut.counts(now + 1)).toEqual(counts(2));
  });

  it('tries again after a failed count', async () => {
    answers.push(Promise.reject(new Error('database down')), Promise.resolve(counts(3)));

    await expect(sut.counts(now)).rejects.toThrow('database down');
    expect(await sut.counts(now + 1)).toEqual(counts(3));
  });
});
