import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseFilters, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKey, CreatedApiKey } from '../auth/api-key';
import { ApiKeysService } from '../auth/api-keys.service';
import { RequireScope } from '../auth/api-scope';
import { ApiScopeGuard } from '../auth/api-scope.guard';
import { TokenHealthError, TokenHealthErrorCode } from '../common/token-health.error';
import { ProblemResponses } from './api-responses';
import { ApiKeyDto, CREATE_API_KEY_FIELDS, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';
import { ProblemDetailsFilter } from './problem-details.filter';
import { knownFields, optionalDateTime } from './rest-input';

/** API keys over REST, admin scope only: the same service as GraphQL's apiKeys, createApiKey and revokeApiKey. */
@ApiTags('api-keys')
@Controller('api/v1/api-keys')
@UseFilters(ProblemDetailsFilter)
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @RequireScope('admin')
  @UseGuards(ApiScopeGuard)
  @ApiOperation({ operationId: 'listApiKeys', summary: 'Every API key, newest first (never a secret)' })
  @ApiOkResponse({ type: [ApiKeyDto] })
  @ProblemResponses()
  list(): Promise<ApiKey[]> {
    return this.keys.list();
  }

  @Post()
  @RequireScope('admin')
  @UseGuards(ApiScopeGuard)
  @ApiOperation({ operationId: 'createApiKey', summary: 'A new API key; this answer is the only time its secret is shown' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ProblemResponses(400)
  create(@Body() body: CreateApiKeyDto): Promise<CreatedApiKey> {
    const fields = knownFields(body, CREATE_API_KEY_FIELDS, 'body field');
    return this.keys.create({ name: fields.name, scopes: fields.scopes, expiresAt: optionalDateTime(fields, 'expiresAt') });
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('admin')
  @UseGuards(ApiScopeGuard)
  @ApiOperation({ operationId: 'revokeApiKey', summary: 'Refuses the key from the next request on, on every replica' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ProblemResponses(404)
  async revoke(@Param('id') id: string): Promise<void> {
    if (!(await this.keys.revoke(id))) throw new TokenHealthError(TokenHealthErrorCode.NotFound, 'No such API key');
  }
}
