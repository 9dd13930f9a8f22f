import { Controller, HttpCode, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiScopeGuard } from '../auth/api-scope.guard';
import { RequireScope } from '../auth/api-scope';
import { CheckRun, checkRunOf } from '../token-health/check-run';
import { TokenHealthService } from '../token-health/token-health.service';
import { ProblemResponses } from './api-responses';
import { CheckRunDto } from './dto/check-run.dto';
import { ProblemDetailsFilter } from './problem-details.filter';
import { BodyRequest, knownFields } from './rest-input';

@ApiTags('fleet')
@Controller('api/v1/checks')
@UseFilters(ProblemDetailsFilter)
export class ChecksController {
  constructor(private readonly health: TokenHealthService) {}

  @Post()
  @HttpCode(200)
  @RequireScope('check')
  @UseGuards(ApiScopeGuard)
  @ApiOperation({ operationId: 'runChecks', summary: 'Run one full check cycle now (joining one already running) and answer its summary' })
  @ApiOkResponse({ type: CheckRunDto })
  @ProblemResponses(400)
  async run(@Req() req: BodyRequest): Promise<CheckRun> {
    knownFields(req.body, [], 'body field');
    return checkRunOf(await this.health.runHealthCheck());
  }
}
