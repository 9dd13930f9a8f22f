import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiScopeGuard } from '../auth/api-scope.guard';
import { RequireScope } from '../auth/api-scope';
import { TokenHealthError, TokenHealthErrorCode } from '../common/token-health.error';
import { ConnectLinkService } from '../connect/connect-link.service';
import { TokenRegistrationService } from '../oauth/token-registration.service';
import { TokenStatus } from '../oauth/token-status';
import { requireId } from '../token-health/dto/input-rules';
import { tokenSetFromInput } from '../token-health/dto/token-set-from-input';
import { FleetService } from '../token-health/fleet.service';
import { TokenHealthService } from '../token-health/token-health.service';
import { ProblemResponses } from './api-responses';
import { connectionReportOf } from './connection-report';
import { ConnectLinkDto } from './dto/connect-link.dto';
import { ConnectionPageDto } from './dto/connection-page.dto';
import { ConnectionReportDto } from './dto/connection-report.dto';
import { HistoryEventDto } from './dto/history-event.dto';
import { REGISTER_CONNECTION_FIELDS, RegisterConnectionDto } from './dto/register-connection.dto';
import { nextPageLink } from './next-page-link';
import { ProblemDetailsFilter } from './problem-details.filter';
import { BodyRequest, integerParam, knownFields, optionalDateTime, optionalString, singleParam, statusesParam, withRestNames } from './rest-input';

const PAGE_PARAMS = ['status', 'provider', 'search', 'limit', 'cursor'];
const DEFAULT_LIMIT = 50;

interface PagedRequest {
  originalUrl: string;
}
interface LinkResponse {
  setHeader(name: string, value: string): unknown;
}

/** The fleet's connections over REST: HTTP in and out only, every rule in the services GraphQL uses too. */
@ApiTags('connections')
@Controller('api/v1/connections')
@UseFilters(ProblemDetailsFilter)
export class ConnectionsController {
  constructor(
    private readonly fleet: FleetService,
    private readonly health: TokenHealthService,
    private readonly registration: TokenRegistrationService,
    private readonly links: ConnectLinkService,
  ) {}

  @Get()
  @RequireScope('read')
  @UseGuards(ApiScopeGuard)
  @ApiOperation({ operationId: 'listConnections', summary: 'One page of the fleet, worst status first, then most recently checked' })
  @ApiQuery({ name: 'status', required: false, isArray: true, enum: TokenStatus, enumName: 'TokenStatus', style: 'form', explode: true })
  @ApiQuery({ name: 'provider', required: false, type: String })
  @ApiQuery({ name: 'search', required: false, type: String, description: 'clientId substring' })
  @ApiQuery({ name: 'limit', required: false, type: 'integer', description: `1 to 100, default ${DEFAULT_LIMIT}` })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: '`next` of the previous page' })
  @ApiOkResponse({
    type: ConnectionPageDto,
    headers: { Link: { description: 'rel="next": the next page, absent on the last', schema: { type: 'string' } } },
  })
  @ProblemResponses(400)
  async list(@Query() query: object, @Req() req: PagedRequest, @Res({ passthrough: true }) res: LinkResponse): Promise<ConnectionPageDto> {
    const params = knownFields(query, PAGE_PARAMS, 'query parameter');
    const filter = { statuses: statusesParam(params, 'status'), provider: singleParam(params, 'provider'), search: singleParam(params, 'search') };
    const limit = integerParam(params, 'limit') ?? DEFAULT_LIMIT;
    const page = await withRestNames({ first: 'limit', after: 'cursor' }, () =>
      this.fleet.page(filter, limit, { after: singleParam(params, 'cursor') }),
    );
    const next = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    if (next) res.setHeader('Link', nextPageLink(req.originalUrl, next));
    return { items: page.edges.map((edge) => connectionReportOf(edge.node)), next };
  }

  @Get(':clientId')
  @RequireScope('read')
  @UseGuards(ApiScopeGuard)
  @ApiOperation({ operationId: 'getClientConnections', summary: 'Stored health of every provider of one client (no provider call); empty when none' })
  @ApiOkResponse({ type: [ConnectionReportDto] })
  @ProblemResponses(400)
  async client(@Param('clientId') clientId: string): Promise<ConnectionReportDto[]> {
    return (await this.health.getClientHealth(requireId('clientId', clientId))).map(connectionReportOf);
  }

  @Get(':clientId/:provider')
  @RequireScope('read')
  @UseGuards(ApiScopeGuard)
  @ApiOperation({ operationId: 'getConnection', summary: 'Stored health of one connection (no provider call)' })
  @ApiOkResponse({ type: ConnectionReportDto })
  @ProblemResponses(400, 404)
  async one(@Param('clientId') clientId: string, @Param('provider') provider: string): Promise<ConnectionReportDto> {
    return connectionReportOf(await this.fleet.report(requireId('clientId', clientId), requireId('provider', provider)));
  }

  @Get(':clientId/:provider/history')
  @RequireScope('read')
  @UseGuards(ApiScopeGuard)
  @ApiOperation({ operationId: 'getConnectionHistory', summary: 'Status transitions of one connection, newest first' })
  @ApiQuery({ name: 'limit', required: false, type: 'integer', description: `1 to 500, default ${DEFAULT_LIMIT}` })
  @ApiOkResponse({ type: [HistoryEventDto] })
  @ProblemResponses(400)
  async history(@Param('clientId') clientId: string, @Param('provider') provider: string, @Query() query: object): Promise<HistoryEventDto[]> {
    const limit = integerParam(knownFields(query, ['limit'], 'query parameter'), 'limit') ?? DEFAULT_LIMIT;
    const events = await withRestNames({ first: 'limit' }, () =>
      this.fleet.history(requireId('clientId', clientId), requireId('provider', provider), limit),
    );
    return events.map(({ at, fromStatus, toStatus, error, source }) => ({ at, fromStatus, toStatus, error, source }));
  }

  @Post()
  @RequireScope('register')
  @UseGuards(ApiScopeGuard)
  @ApiOperation({ operationId: 'registerConnection', summary: 'Import an existing token set; it is verified with the provider before it is stored' })
  @ApiCreatedResponse({ type: ConnectionReportDto })
  @ProblemResponses(400)
  async register(@Body() body: RegisterConnectionDto): Promise<ConnectionReportDto> {
    const fields = knownFields(body, REGISTER_CONNECTION_FIELDS, 'body field');
    const report = await this.registration.register(
      tokenSetFromInput({
        clientId: fields.clientId as string,
        provider: fields.provider as string,
        refreshToken: fields.refreshToken as string,
        accessToken: optionalString(fields, 'accessToken'),
        accessTokenExpiresAt: optionalDateTime(fields, 'accessTokenExpiresAt'),
        accountsServer: optionalString(fields, 'accountsServer'),
      }),
    );
    return connectionReportOf(report);
  }

  @Post(':clientId/:provider/check')
  @HttpCode(200)
  @RequireScope('check')
  @UseGuards(ApiScopeGuard)
  @ApiOperation({
    operationId: 'checkConnection',
    summary: "Check the client's tokens now (alerting as a cycle does) and answer this connection's fresh report",
  })
  @ApiOkResponse({ type: ConnectionReportDto })
  @ProblemResponses(400, 404)
  async check(@Param('clientId') clientId: string, @Param('provider') provider: string, @Req() req: BodyRequest): Promise<ConnectionReportDto> {
    knownFields(req.body, [], 'body field');
    await this.fleet.report(requireId('clientId', clientId), requireId('provider', provider));
    const report = (await this.health.checkAndAlert({ clientId })).find((each) => each.provider === provider);
    if (!report) throw new TokenHealthError(TokenHealthErrorCode.NotFound, 'No such connection');
    return connectionReportOf(report);
  }

  @Post(':clientId/:provider/connect-link')
  @HttpCode(200)
  @RequireScope('connect')
  @UseGuards(ApiScopeGuard)
  @ApiOperation({ operationId: 'createConnectLink', summary: 'Signed, expiring URL that starts the connect flow' })
  @ApiOkResponse({ type: ConnectLinkDto })
  @ProblemResponses(400)
  connectLink(@Param('clientId') clientId: string, @Param('provider') provider: string, @Req() req: BodyRequest): ConnectLinkDto {
    knownFields(req.body, [], 'body field');
    requireId('clientId', clientId);
    this.registration.assertKnownProvider(requireId('provider', provider));
    return { url: this.links.createLink(clientId, provider) };
  }
}
