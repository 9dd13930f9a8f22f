import { TokenStatus } from '../../oauth/token-status';
import { FleetSummary } from '../../token-health/fleet.service';
import { fleetPage, FleetView } from './fleet.page';

const now = new Date('2026-11-27T12:00:00Z');
const summary = (overrides: Partial<FleetSummary> = {}): FleetSummary => ({
  total: 1,
  byStatus: [{ status: TokenStatus.Healthy, count: 1 }],
  byProvider: [],
  lastCycle: null,
  outages: [],
  alertChannels: ['slack'],
  unhealthy: 0,
  throttling: [],
  ...overrides,
});
const view = (overrides: Partial<FleetView> = {}): FleetView => ({
  base: '/admin',
  summary: summary(),
  page: { edges: [], pageInfo: { hasNextPage: false, endCursor: null, hasPreviousPage: false, startCursor: null }, filter: {} },
  searchHint: 'part of a client id',
  now,
  ...overrides,
});

describe('fleetPage', () => {
  it('shows no banner without provider outages', () => {
    expect(fleetPage(view())).not.toContain('role="alert"');
  });

  it('shows a throttling provider apart from an outage, with its rate', () => {
    const message = 'zoho is throttling us; refreshes are running at 12/s';
    const page = fleetPage(view({ summary: summary({ throttling: [{ provider: 'zoho', rate: 12, message }] }) }));

    expect(page).toContain(`Provider throttling: ${message}.`);
    expect(page).not.toContain('Provider outage');
  });

  it('shows a banner per open provider outage', () => {
    const page = fleetPage(view({ summary: summary({ outages: [{ provider: 'zoho', since: new Date('2026-11-27T11:40:00Z'), failures: 42 }] }) }));

    expect(page).toMatch(
      /<div class="banner" role="alert">Provider outage: zoho has been failing since <time[^>]*>20 min ago<\/time>\s*\(42 failed refreshes\)/,
    );
  });

  it('warns that alerts are held while no alert channel is configured, and names the channels otherwise', () => {
    expect(fleetPage(view({ summary: summary({ alertChannels: [] }) }))).toContain('No alert channel is configured');
    expect(fleetPage(view({ summary: summary({ alertChannels: ['slack', 'webhook'] }) }))).toContain('Alert channels: slack, webhook.');
  });

  it('shows how many connections are unhealthy now beside the last cycle', () => {
    const lastCycle = { startedAt: now, finishedAt: now, checked: 22, refreshed: 0, failed: 0 };
    const page = fleetPage(view({ summary: summary({ lastCycle, unhealthy: 8 }) }));

    expect(page).toContain('22 checked, 0 refreshed, 0 failed. Unhealthy now: 8.');
  });

  it('shows a one-line cause in the Error column, not the provider text', () => {
    const error = `The provider rejected the refresh token: POST https://accounts.example/token answered HTTP 400: ${'x'.repeat(300)}`;
    const node = { clientId: 'acme', provider: 'zoho', status: TokenStatus.Invalid, lastRefresh: null, error };
    const page = fleetPage(
      view({
        page: {
          edges: [{ cursor: 'C', node }],
          pageInfo: { hasNextPage: false, endCursor: null, hasPreviousPage: false, startCursor: null },
          filter: {},
        },
      }),
    );

    expect(page).toContain('<td class="error-text">Dead grant: the customer must re-authorize</td>');
    expect(page).not.toContain('answered HTTP 400');
  });

  it('keeps the filter in the Next link', () => {
    const page = fleetPage(
      view({
        status: TokenStatus.Invalid,
        search: 'a&b',
        page: { edges: [], pageInfo: { hasNextPage: true, endCursor: 'CUR', hasPreviousPage: false, startCursor: null }, filter: {} },
      }),
    );

    expect(page).toContain('<a href="/admin?status=invalid&amp;search=a%26b&amp;after=CUR">Next</a>');
  });
});
