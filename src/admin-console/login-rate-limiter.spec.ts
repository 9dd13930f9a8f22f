import { LoginRateLimiter } from './login-rate-limiter';

describe(LoginRateLimiter.name, () => {
  const now = 1_000_000_000;
  let sut: LoginRateLimiter;

  beforeEach(() => (sut = new LoginRateLimiter()));

  it('lets an address try until its tenth failure', () => {
    for (let i = 0; i < 9; i++) sut.recordFailure('10.0.0.1', now);
    expect(sut.isBlocked('10.0.0.1', now)).toBe(false);

    sut.recordFailure('10.0.0.1', now);

    expect(sut.isBlocked('10.0.0.1', now)).toBe(true);
    expect(sut.isBlocked('10.0.0.2', now)).toBe(false);
  });

  it('forgets failures after fifteen minutes', () => {
    for (let i = 0; i < 10; i++) sut.recordFailure('10.0.0.1', now);

    expect(sut.isBlocked('10.0.0.1', now + 15 * 60_000)).toBe(false);
  });

  it('clears an address on a successful login', () => {
    for (let i = 0; i < 10; i++) sut.recordFailure('10.0.0.1', now);

    sut.recordSuccess('10.0.0.1');

    expect(sut.isBlocked('10.0.0.1', now)).toBe(false);
  });

  it('blocks everyone once failures from all addresses reach the overall cap', () => {
    for (let i = 0; i < 200; i++) sut.recordFailure(`10.0.${Math.floor(i / 5)}.${i % 5}`, now);

    expect(sut.isBlocked('192.168.1.1', now)).toBe(true);
  });
});
