import { Controller, Get, UseFilters, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiScopeGuard } from '../auth/api-scope.guard';
import { RequireScope } from '../auth/api-scope';
import { FleetService, FleetSummary } from '../token-health/fleet.service';
import { ProblemResponses } from './api-responses';
import { SummaryDto } from './dto/summary.dto';
import { ProblemDetailsFilter } from './problem-details.filter';

@ApiTags('fleet')
@Controller('api/v1/summary')
@UseFilters(ProblemDetailsFilter)
export class SummaryController {
  constructor(private readonly fleet: FleetService) {}

  @Get()
  @RequireScope('read')
  @UseGuards(ApiScopeGuard)
  @ApiOperation({ operationId: 'getSummary', summary: 'Counts per status and provider, the last completed cycle, open provider outages' })
  @ApiOkResponse({ type: SummaryDto })
  @ProblemResponses()
  summary(): Promise<FleetSummary> {
    return this.fleet.summary();
  }
}
