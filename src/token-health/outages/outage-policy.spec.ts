import { ProviderRefreshTally } from '../../oauth/refresh-tally.repository';
import { meetsOutageThresholds, OutageVerdict, outageVerdict, showsRecovery } from './outage-policy';

const thresholds = { minFailures: 5, failureRatio: 0.5 };

function aTally(overrides: Partial<ProviderRefreshTally> = {}): ProviderRefreshTally {
  return { provider: 'zoho', attempts: 10, transientFailures: 0, successes: 10, inFlight: 0, ...overrides };
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

describe(showsRecovery.name, () => {
  it.each([
    [{ successes: 5, transientFailures: 4 }, true],
    [{ successes: 4, transientFailures: 1 }, false],
    [{ successes: 2, transientFailures: 0 }, true],
    [{ successes: 0, transientFailures: 0, attempts: 0 }, false],
  ])('for %o says %s', (tally, expected) => {
    expect(showsRecovery(aTally(tally), thresholds)).toBe(expected);
  });
});

describe(outageVerdict.name, () => {
  const failing = aTally({ attempts: 200, transientFailures: 200, successes: 0 });

  it('opens an outage when the window meets the thresholds', () => {
    expect(outageVerdict(failing, thresholds, false)).toBe(OutageVerdict.Outage);
  });

  it('opens an outage while refreshes of the provider are still in flight elsewhere', () => {
    expect(outageVerdict({ ...failing, inFlight: 150 }, thresholds, false)).toBe(OutageVerdict.Outage);
  });

  it('continues an open outage while the window keeps meeting the thresholds', () => {
    expect(outageVerdict(failing, thresholds, true)).toBe(OutageVerdict.Outage);
  });

  it('waits for more of the window while failures below the thresholds have refreshes in flight beside them', () => {
    expect(outageVerdict(aTally({ attempts: 3, transientFailures: 3, successes: 0, inFlight: 7 }), thresholds, false)).toBe(OutageVerdict.Deciding);
  });

  it('reports normal operation when nothing is in flight and the thresholds are not met', () => {
    expect(outageVerdict(aTally({ transientFailures: 1, successes: 9 }), thresholds, false)).toBe(OutageVerdict.Normal);
  });

  it('reports normal operation while refreshes are in flight but none failed', () => {
    expect(outageVerdict(aTally({ inFlight: 20 }), thresholds, false)).toBe(OutageVerdict.Normal);
  });

  it('recovers an open outage once enough refreshes succeed again', () => {
    expect(outageVerdict(aTally({ attempts: 200, successes: 195, transientFailures: 5 }), thresholds, true)).toBe(OutageVerdict.Recovered);
  });

  it('keeps an open outage when the window holds no attempt at all', () => {
    expect(outageVerdict(aTally({ attempts: 0, successes: 0 }), thresholds, true)).toBe(OutageVerdict.Ongoing);
  });

  it('keeps an open outage when the failures fall below the thresholds without any success', () => {
    expect(outageVerdict(aTally({ attempts: 3, transientFailures: 3, successes: 0 }), thresholds, true)).toBe(OutageVerdict.Ongoing);
  });

  it('keeps an open outage on a few successes among failures', () => {
    expect(outageVerdict(aTally({ attempts: 20, transientFailures: 4, successes: 3 }), thresholds, true)).toBe(OutageVerdict.Ongoing);
  });
});
