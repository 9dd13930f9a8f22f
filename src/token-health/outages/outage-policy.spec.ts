import { ProviderRefreshTally } from '../../oauth/refresh-tally.repository';
import { meetsOutageThresholds, OutageVerdict, outageVerdict } from './outage-policy';

const thresholds = { minFailures: 5, failureRatio: 0.5 };

function aTally(overrides: Partial<ProviderRefreshTally> = {}): ProviderRefreshTally {
  return { provider: 'zoho', attempts: 10, transientFailures: 0, successes: 10, inFlight: 0, failingNow: 0, ...overrides };
}

describe(meetsOutageThresholds.name, () => {
  it.each([
    [{ attempts: 200, transientFailures: 200, successes: 0 }, true],
    [{ attempts: 10, transientFailures: 5, successes: 5 }, true],
    [{ attempts: 10, transientFailures: 4, successes: 6 }, false],
    [{ attempts: 4, transientFailures: 4, successes: 0 }, false],
    [{ attempts: 11, transientFailures: 5, successes: 6 }, false],
    [{ attempts: 0, transientFailures: 0, successes: 0 }, false],
  ])('for %o says %s', (tally, expected) => {
    expect(meetsOutageThresholds(aTally(tally), thresholds)).toBe(expected);
  });

  it('follows the configured thresholds', () => {
    const tally = aTally({ attempts: 3, transientFailures: 1, successes: 2 });

    expect(meetsOutageThresholds(tally, { minFailures: 1, failureRatio: 0.3 })).toBe(true);
    expect(meetsOutageThresholds(tally, { minFailures: 2, failureRatio: 0.3 })).toBe(false);
    expect(meetsOutageThresholds(tally, { minFailures: 1, failureRatio: 0.4 })).toBe(false);
  });
});

describe(outageVerdict.name, () => {
  const failing = aTally({ attempts: 200, transientFailures: 200, successes: 0, failingNow: 200 });

  it('opens an outage when a complete cycle meets the thresholds', () => {
    expect(outageVerdict(failing, thresholds, false)).toBe(OutageVerdict.Outage);
  });

  it('continues an open outage while cycles keep meeting the thresholds', () => {
    expect(outageVerdict(failing, thresholds, true)).toBe(OutageVerdict.Outage);
  });

  it('waits while refreshes of the cycle are still in flight elsewhere', () => {
    expect(outageVerdict({ ...failing, transientFailures: 3, attempts: 3, inFlight: 7 }, thresholds, false)).toBe(OutageVerdict.Undecided);
  });

  it('reports normal operation when no outage is open and the thresholds are not met', () => {
    expect(outageVerdict(aTally({ transientFailures: 1, successes: 9, failingNow: 1 }), thresholds, false)).toBe(OutageVerdict.Normal);
  });

  it('recovers an open outage once refreshes succeed again', () => {
    expect(outageVerdict(aTally({ successes: 10, failingNow: 3 }), thresholds, true)).toBe(OutageVerdict.Recovered);
  });

  it('recovers an open outage when no token of the provider is failing any more', () => {
    expect(outageVerdict(aTally({ attempts: 0, successes: 0, failingNow: 0 }), thresholds, true)).toBe(OutageVerdict.Recovered);
  });

  it('keeps an open outage when the cycle tried nothing and tokens are still failing', () => {
    expect(outageVerdict(aTally({ attempts: 0, successes: 0, failingNow: 40 }), thresholds, true)).toBe(OutageVerdict.Ongoing);
  });

  it('keeps an open outage when the failures fall below the thresholds without any success', () => {
    expect(outageVerdict(aTally({ attempts: 3, transientFailures: 3, successes: 0, failingNow: 3 }), thresholds, true)).toBe(OutageVerdict.Ongoing);
  });
});
