import { MetricsService } from './metrics.service';

describe(MetricsService.name, () => {
  let sut: MetricsService;

  beforeEach(() => {
    sut = new MetricsService();
  });

  const sample = async (name: string, labels = '') => {
    const line = (await sut.registry.metrics()).split('\n').find((candidate) => candidate.startsWith(`${name}${labels} `));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  };

  it('reads the checker stall from its source at every scrape', async () => {
    let stalled = false;
    sut.observeCheckerStalled(() => stalled);

    expect(await sample('token_health_checker_stalled')).toBe(0);
    stalled = true;
    expect(await sample('token_health_checker_stalled')).toBe(1);
  });

  it('reports a checker that nothing observes as not stalled', async () => {
    expect(await sample('token_health_checker_stalled')).toBe(0);
  });

  it('gives every enabled channel an outbox backlog series, 0 when nothing waits', async () => {
    sut.setOutboxBacklog(['slack', 'webhook'], [{ channel: 'webhook', count: 3, oldestAgeSeconds: 42.5 }]);

    expect(await sample('alert_outbox_pending', '{channel="slack"}')).toBe(0);
    expect(await sample('alert_outbox_oldest_pending_age_seconds', '{channel="slack"}')).toBe(0);
    expect(await sample('alert_outbox_pending', '{channel="webhook"}')).toBe(3);
    expect(await sample('alert_outbox_oldest_pending_age_seconds', '{channel="webhook"}')).toBe(42.5);
  });

  it('drops the backlog of a channel that is no longer enabled and has nothing waiting', async () => {
    sut.setOutboxBacklog(['slack'], [{ channel: 'slack', count: 1, oldestAgeSeconds: 5 }]);
    sut.setOutboxBacklog(['webhook'], []);

    expect(await sample('alert_outbox_pending', '{channel="slack"}')).toBeUndefined();
    expect(await sample('alert_outbox_pending', '{channel="webhook"}')).toBe(0);
  });

  it('starts every refresh outcome and the unreadable count of each provider at 0', async () => {
    sut.initialiseProviders(['zoho']);

    for (const outcome of ['success', 'dead_grant', 'failure']) {
      expect(await sample('oauth_token_refresh_total', `{provider="zoho",outcome="${outcome}"}`)).toBe(0);
    }
    expect(await sample('oauth_token_unreadable_total', '{provider="zoho"}')).toBe(0);
  });

  it('starts every delivery outcome of each channel at 0', async () => {
    sut.initialiseChannels(['slack']);

    for (const outcome of ['sent', 'retry', 'failed']) {
      expect(await sample('alerts_sent_total', `{channel="slack",outcome="${outcome}"}`)).toBe(0);
    }
  });
});
