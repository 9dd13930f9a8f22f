import { UseFilters, UseGuards } from '@nestjs/common';
import { GraphqlErrorFilter } from '../common/graphql-error.filter';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ConnectLinkService } from '../connect/connect-link.service';
import { TokenRegistrationService } from '../oauth/token-registration.service';
import { TokenHealthGuard } from '../auth/token-health.guard';
import { requireId, requireToken } from './dto/input-rules';
import { RegisterOAuthTokenInput } from './dto/register-oauth-token.input';
import { TokenHealthReportModel } from './models/token-health-report.model';
import { TokenHealthService } from './token-health.service';
import { TokenHealthReport } from './token-health-report';

/** GraphQL surface of the checker; validates input, then delegates. */
@Resolver(() => TokenHealthReportModel)
@UseGuards(TokenHealthGuard)
@UseFilters(GraphqlErrorFilter)
export class TokenHealthResolver {
  constructor(
    private readonly health: TokenHealthService,
    private readonly registration: TokenRegistrationService,
    private readonly links: ConnectLinkService,
  ) {}

  @Query(() => [TokenHealthReportModel], { description: "Stored health of the client's connections (no provider call)" })
  tokenHealth(@Args('clientId', { type: () => String }) clientId: string): Promise<TokenHealthReport[]> {
    return this.health.getClientHealth(requireId('clientId', clientId));
  }

  @Mutation(() => [TokenHealthReportModel], { description: 'Run the check now; clientId null = all clients' })
  checkTokenHealth(
    @Args('clientId', { type: () => String, nullable: true }) clientId?: string | null,
  ): Promise<TokenHealthReport[]> {
    return this.health.checkAndAlert(clientId == null ? {} : { clientId: requireId('clientId', clientId) });
  }

  @Mutation(() => TokenHealthReportModel, { description: 'Import an existing token set' })
  registerOAuthToken(@Args('input', { type: () => RegisterOAuthTokenInput }) input: RegisterOAuthTokenInput): Promise<TokenHealthReport> {
    return this.registration.register({
      clientId: requireId('clientId', input.clientId),
      provider: requireId('provider', input.provider),
      refreshToken: requireToken('refreshToken', input.refreshToken)!,
      accessToken: requireToken('accessToken', input.accessToken, true) ?? null,
      accessTokenExpiresAt: input.accessTokenExpiresAt ?? null,
      accountsServer: input.accountsServer ?? null,
    });
  }

  @Mutation(() => String, { description: 'Signed, expiring URL that starts the connect flow' })
  createConnectLink(
    @Args('clientId', { type: () => String }) clientId: string,
    @Args('provider', { type: () => String }) provider: string,
  ): string {
    requireId('clientId', clientId);
    this.registration.assertKnownProvider(requireId('provider', provider));
    return this.links.createLink(clientId, provider);
  }
}
