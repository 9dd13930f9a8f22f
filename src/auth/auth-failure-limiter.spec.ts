import { AuthFailureLimiter } from './auth-failure-limiter';

describe(AuthFailureLimiter.name, () => {
  const now = 1_000_000_000;
  let sut: AuthFailureLimiter;

  beforeEach(() => (sut = new AuthFailureLimiter()));

  const fail = (address: string, times = 1, at = now) => {
    for (let i = 0; i < times; i++) sut.recordFailure('admin-token', address, at);
  };

  it('lets an address try until its tenth failure, then says when it may again', () => {
    fail('10.0.0.1', 9);
    expect(sut.retryAfterSeconds('admin-token', '10.0.0.1', now)).toBeUndefined();

    fail('10.0.0.1');

    expect(sut.retryAfterSeconds('admin-token', '10.0.0.1', now)).toBe(15 * 60);
    expect(sut.retryAfterSeconds('admin-token', '10.0.0.2', now)).toBeUndefined();
  });

  it('forgets failures after fifteen minutes', () => {
    fail('10.0.0.1', 10);

    expect(sut.retryAfterSeconds('admin-token', '10.0.0.1', now + 15 * 60_000)).toBeUndefined();
  });

  it('counts every address of an IPv6 /64 in one bucket', () => {
    for (let i = 0; i < 10; i++) sut.recordFailure('admin-token', `2001:db8:1:2::${i + 1}`, now);

    expect(sut.retryAfterSeconds('admin-token', '2001:db8:1:2:ffff::1', now)).toBeDefined();
    expect(sut.retryAfterSeconds('admin-token', '2001:db8:1:3::1', now)).toBeUndefined();
  });

  it('keeps each secret apart: metrics failures do not block the admin token', () => {
    for (let i = 0; i < 10; i++) sut.recordFailure('metrics-token', '10.0.0.1', now);

    expect(sut.retryAfterSeconds('admin-token', '10.0.0.1', now)).toBeUndefined();
  });

  describe('under a flood from many addresses', () => {
    beforeEach(() => {
      for (let i = 0; i < 100; i++) fail(`10.1.${Math.floor(i / 2)}.${i % 2}`);
    });

    it('never refuses an address without failures of its own', () => {
      expect(sut.retryAfterSeconds('admin-token', '192.168.1.1', now)).toBeUndefined();
    });

    it('gives an address with failures three tries instead of ten', () => {
      fail('10.2.0.1', 2);
      expect(sut.retryAfterSeconds('admin-token', '10.2.0.1', now)).toBeUndefined();

      fail('10.2.0.1');

      expect(sut.retryAfterSeconds('admin-token', '10.2.0.1', now)).toBeDefined();
    });

    it('holds back every failure answer, and stops once the window has passed', () => {
      expect(sut.recordFailure('admin-token', '10.3.0.1', now)).toBeGreaterThan(0);
      expect(sut.recordFailure('admin-token', '10.3.0.1', now + 15 * 60_000 + 1)).toBe(0);
    });
  });

  it('adds no delay below the flood threshold', () => {
    fail('10.0.0.1', 9);

    expect(sut.recordFailure('admin-token', '10.0.0.2', now)).toBe(0);
  });
});
