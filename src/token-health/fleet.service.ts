import { Injectable } from '@nestjs/common';
import { AlertIntake } from '../alerting/alert-intake';
import { TokenHealthError, TokenHealthErrorCode } from '../common/token-health.error';
import { FleetFilter, FleetPosition } from '../oauth/fleet-query';
import { MAX_SEARCH_LENGTH } from '../oauth/fleet-search';
import { OAuthTokenFleetRepository } from '../oauth/oauth-token-fleet.repository';
import { OAuthTokenReportRepository } from '../oauth/oauth-token-report.repository';
import { TokenStatus } from '../oauth/token-status';
import { TokenHealthEvent } from '../token-history/token-health-event';
import { TokenHealthEventRepository } from '../token-history/token-health-event.repository';
import { CheckCycleStats } from './check-cycle.stats';
import { CheckRun, checkRunOf } from './check-run';
import { FleetCursor } from './fleet-cursor';
import { ProviderOutage, ProviderOutageSource } from './provider-outage.source';
import { TokenCountsService } from './token-counts.service';
import { RefreshPacingService } from '../oauth/pacing/refresh-pacing.service';
import { TokenHealthReport } from './token-health-report';

export const MAX_PAGE_SIZE = 100;
export const MAX_HISTORY_SIZE = 500;

interface FleetEdge {
  cursor: string;
  node: TokenHealthReport;
}

export interface FleetPage {
  edges: FleetEdge[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null; hasPreviousPage: boolean; startCursor: string | null };
  /** The filter the page was read with, for counting it on demand. */
  filter: FleetFilter;
}

export interface FleetSummary {
  total: number;
  byStatus: { status: TokenStatus; count: number }[];
  byProvider: { provider: string; status: TokenStatus; count: number }[];
  lastCycle: CheckRun | null;
  outages: ProviderOutage[];
  /** Where alerts go; empty while none is configured (alerts then stay due). */
  alertChannels: string[];
  /** Connections not healthy right now (invalid, refresh failed or expiring). */
  unhealthy: number;
  throttling: ProviderThrottling[];
}

/** A provider that keeps throttling refreshes despite pacing: not an outage, the refreshes just run slower. */
export interface ProviderThrottling {
  provider: string;
  /** Refresh requests per second in force now. */
  rate: number | null;
  message: string;
}

/** What the fleet API and the admin console read: pages, counts, summary, history. Input is validated here. */
@Injectable()
export class FleetService {
  constructor(
    private readonly fleet: OAuthTokenFleetRepository,
    private readonly tokens: OAuthTokenReportRepository,
    private readonly events: TokenHealthEventRepository,
    private readonly counts: TokenCountsService,
    private readonly outages: ProviderOutageSource,
    private readonly stats: CheckCycleStats,
    private readonly alerting: AlertIntake,
    private readonly pacing: RefreshPacingService,
  ) {}

  /** One page after `after` (or before `before`, for going back); neither: the first page. */
  async page(filter: FleetFilter, first: number, cursors: { after?: string | null; before?: string | null } = {}): Promise<FleetPage> {
    requireCount('first', first, MAX_PAGE_SIZE);
    const normalized = normalizeFilter(filter);
    const backward = !cursors.after && !!cursors.before;
    const from: FleetPosition | undefined = cursors.after
      ? FleetCursor.decode(cursors.after, 'after')
      : cursors.before
        ? FleetCursor.decode(cursors.before, 'before')
        : undefined;
    const rows = await this.fleet.findPage(normalized, first + 1, from, !backward);
    const more = rows.length > first;
    const page = backward ? rows.slice(rows.length - Math.min(rows.length, first)) : rows.slice(0, first);
    const edges = page.map(({ position, ...node }) => ({ cursor: FleetCursor.encode(position), node }));
    return {
      edges,
      pageInfo: {
        hasNextPage: backward ? true : more,
        endCursor: edges.at(-1)?.cursor ?? null,
        hasPreviousPage: backward ? more : !!from,
        startCursor: edges[0]?.cursor ?? null,
      },
      filter: normalized,
    };
  }

  count(filter: FleetFilter): Promise<number> {
    return this.fleet.count(normalizeFilter(filter));
  }

  async summary(): Promise<FleetSummary> {
    const [counts, outages, budgets] = await Promise.all([this.counts.counts(), this.outages.openOutages(), this.pacing.states()]);
    const throttling = budgets
      .filter((budget) => budget.throttling)
      .map((budget) => ({
        provider: budget.key,
        rate: budget.rate,
        message: `${budget.key} is throttling us; refreshes are running at ${budget.rate === null ? 'an unknown rate' : `${Number(budget.rate.toFixed(1))}/s`}`,
      }));
    const byStatus = Object.values(TokenStatus).map((status) => ({
      status,
      count: counts.filter((row) => row.status === status).reduce((sum, row) => sum + row.count, 0),
    }));
    const last = this.stats.lastSummary;
    return {
      total: byStatus.reduce((sum, row) => sum + row.count, 0),
      byStatus,
      byProvider: counts,
      lastCycle: last ? checkRunOf(last) : null,
      outages,
      alertChannels: this.alerting.channelNames,
      unhealthy: byStatus.filter((row) => row.status !== TokenStatus.Healthy).reduce((sum, row) => sum + row.count, 0),
      throttling,
    };
  }

  /** One connection's stored report (no provider call); NOT_FOUND when there is none. */
  async report(clientId: string, provider: string): Promise<TokenHealthReport> {
    const report = await this.tokens.findReport(clientId, provider);
    if (!report) throw new TokenHealthError(TokenHealthErrorCode.NotFound, 'No such connection');
    return report;
  }

  history(clientId: string, provider: string, first: number): Promise<TokenHealthEvent[]> {
    requireCount('first', first, MAX_HISTORY_SIZE);
    return this.events.findForConnection(clientId, provider, first);
  }

  /** Drops cached counts, so the next summary shows an action's effect. */
  refreshCounts(): void {
    this.counts.invalidate();
  }
}

function requireCount(field: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw TokenHealthError.invalidInput(field, `${field} must be between 1 and ${max}`);
  }
}

function normalizeFilter(filter: FleetFilter): FleetFilter {
  const search = filter.search?.trim();
  if (search && search.length > MAX_SEARCH_LENGTH) {
    throw TokenHealthError.invalidInput('search', `search must be at most ${MAX_SEARCH_LENGTH} characters (got ${search.length})`);
  }
  if (filter.provider && filter.provider.length > 64) throw TokenHealthError.invalidInput('provider', 'provider must be at most 64 characters');
  return {
    statuses: filter.statuses?.length ? [...new Set(filter.statuses)] : undefined,
    provider: filter.provider || undefined,
    search: search || undefined,
  };
}
