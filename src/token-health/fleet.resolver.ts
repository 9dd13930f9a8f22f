import { UseFilters, UseGuards } from '@nestjs/common';
import { Args, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { RequireScope } from '../auth/api-scope';
import { TokenHealthGuard } from '../auth/token-health.guard';
import { ListCost } from '../common/graphql-cost';
import { GraphqlErrorFilter } from '../common/graphql-error.filter';
import { TokenHealthEvent } from '../token-history/token-health-event';
import { requireId } from './dto/input-rules';
import { TokenFilterInput } from './dto/token-filter.input';
import { FleetPage, FleetService, FleetSummary, MAX_HISTORY_SIZE, MAX_PAGE_SIZE } from './fleet.service';
import { TokenConnectionModel } from './models/token-connection.model';
import { TokenHealthEventModel } from './models/token-health-event.model';
import { TokenHealthSummaryModel } from './models/token-health-summary.model';

/** GraphQL surface of the fleet: pages of connections, the summary, one connection's history. */
@Resolver(() => TokenConnectionModel)
@UseGuards(TokenHealthGuard)
@UseFilters(GraphqlErrorFilter)
export class FleetResolver {
  constructor(private readonly fleet: FleetService) {}

  @RequireScope('read')
  @ListCost({ argument: 'first', max: MAX_PAGE_SIZE, items: 'edges' })
  @Query(() => TokenConnectionModel, { description: 'One page of the fleet, worst status first, then most recently checked' })
  tokens(
    @Args('filter', { type: () => TokenFilterInput, nullable: true }) filter?: TokenFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first?: number | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<FleetPage> {
    return this.fleet.page(
      { statuses: filter?.status ?? undefined, provider: filter?.provider ?? undefined, search: filter?.search ?? undefined },
      first ?? 50,
      { after },
    );
  }

  @ResolveField('totalCount', () => Int)
  totalCount(@Parent() page: FleetPage): Promise<number> {
    return this.fleet.count(page.filter);
  }

  @RequireScope('read')
  @Query(() => TokenHealthSummaryModel, { description: 'Counts per status and provider, the last completed cycle, open provider outages' })
  tokenHealthSummary(): Promise<FleetSummary> {
    return this.fleet.summary();
  }

  @RequireScope('read')
  @ListCost({ argument: 'first', max: MAX_HISTORY_SIZE })
  @Query(() => [TokenHealthEventModel], { description: 'Status transitions of one connection, newest first' })
  tokenHealthHistory(
    @Args('clientId', { type: () => String }) clientId: string,
    @Args('provider', { type: () => String }) provider: string,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first?: number | null,
  ): Promise<TokenHealthEvent[]> {
    return this.fleet.history(requireId('clientId', clientId), requireId('provider', provider), first ?? 50);
  }
}
