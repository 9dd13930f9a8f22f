import { UseFilters, UseGuards } from '@nestjs/common';
import { Args, GraphQLISODateTime, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ApiKey, CreatedApiKey } from '../auth/api-key';
import { ApiKeysService } from '../auth/api-keys.service';
import { RequireScope } from '../auth/api-scope';
import { TokenHealthGuard } from '../auth/token-health.guard';
import { GraphqlErrorFilter } from '../common/graphql-error.filter';
import { optionalDate } from './dto/input-rules';
import { ApiKeyModel } from './models/api-key.model';
import { CreatedApiKeyModel } from './models/created-api-key.model';

/** GraphQL surface of the API keys: admin scope only. */
@Resolver(() => ApiKeyModel)
@UseGuards(TokenHealthGuard)
@UseFilters(GraphqlErrorFilter)
export class ApiKeysResolver {
  constructor(private readonly keys: ApiKeysService) {}

  @RequireScope('admin')
  @Query(() => [ApiKeyModel], { description: 'Every API key, newest first (never a secret)' })
  apiKeys(): Promise<ApiKey[]> {
    return this.keys.list();
  }

  @RequireScope('admin')
  @Mutation(() => CreatedApiKeyModel, { description: 'A new API key; the answer is the only time its secret is shown' })
  createApiKey(
    @Args('name', { type: () => String }) name: string,
    @Args('scopes', { type: () => [String] }) scopes: string[],
    @Args('expiresAt', { type: () => GraphQLISODateTime, nullable: true }) expiresAt?: Date | null,
  ): Promise<CreatedApiKey> {
    return this.keys.create({ name, scopes, expiresAt: optionalDate('expiresAt', expiresAt) });
  }

  @RequireScope('admin')
  @Mutation(() => Boolean, { description: 'Refuses the key from the next request on, on every replica; false when there is no such key' })
  revokeApiKey(@Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.keys.revoke(id);
  }
}
