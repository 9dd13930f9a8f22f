import { UseFilters, UseGuards } from '@nestjs/common';
import { GraphqlErrorFilter } from '../common/graphql-error.filter';
import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ConnectLinkService } from '../connect/connect-link.service';
import { TokenRegistrationService } from '../oauth/token-registration.service';
import { RequireScope } from '../auth/api-scope';
import { TokenHealthGuard } from '../auth/token-health.guard';
import { requireId } from './dto/input-rules';
import { tokenSetFromInput } from './dto/token-set-from-input';
import { RegisterOAuthTokenInput } from './dto/register-oauth-token.input';
import { checkRunOf } from './check-run';
import { CheckRunModel } from './models/check-run.model';
import { TokenHealthReportModel } from './models/token-health-report.model';
import { PerOperation } from './per-operation';
import { TokenHealthService } from './token-health.service';
import { TokenHealthReport } from './token-health-report';

/** GraphQL surface of the checker; validates input, then delegates. */
@Resolver(() => TokenHealthReportModel)
@UseGuards(TokenHealthGuard)
@UseFilters(GraphqlErrorFilter)
export class TokenHealthResolver {
  /** Aliases of a full check in one operation share one cycle (and one read of all reports). */
  private readonly perOperation = new PerOperation();

  constructor(
    private readonly health: TokenHealthService,
    private readonly registration: TokenRegistrationService,
    private readonly links: ConnectLinkService,
  ) {}

  @RequireScope('read')
  @Query(() => [TokenHealthReportModel], { description: "Stored health of the client's connections (no provider call)" })
  tokenHealth(@Args('clientId', { type: () => String }) clientId: string): Promise<TokenHealthReport[]> {
    return this.health.getClientHealth(requireId('clientId', clientId));
  }

  @RequireScope('check')
  @Mutation(() => [TokenHealthReportModel], {
    description:
      "Check one client's tokens now and return their fresh reports. Deprecated for clientId null (all clients): use runHealthCheck, which returns a summary instead of every report",
  })
  async checkTokenHealth(
    @Context() operation: object,
    @Args('clientId', { type: () => String, nullable: true }) clientId?: string | null,
  ): Promise<TokenHealthReport[]> {
    if (clientId != null) return this.health.checkAndAlert({ clientId: requireId('clientId', clientId) });
    await this.fullCheck(operation);
    return this.perOperation.once(operation, 'all-reports', () => this.health.getAllHealth());
  }

  @RequireScope('check')
  @Mutation(() => CheckRunModel, { description: 'Run one full check cycle now (joining one already running) and return its summary' })
  async runHealthCheck(@Context() operation: object): Promise<CheckRunModel> {
    return checkRunOf(await this.fullCheck(operation));
  }

  @RequireScope('register')
  @Mutation(() => TokenHealthReportModel, { description: 'Import an existing token set' })
  registerOAuthToken(@Args('input', { type: () => RegisterOAuthTokenInput }) input: RegisterOAuthTokenInput): Promise<TokenHealthReport> {
    return this.registration.register(tokenSetFromInput(input));
  }

  @RequireScope('connect')
  @Mutation(() => String, { description: 'Signed, expiring URL that starts the connect flow' })
  createConnectLink(@Args('clientId', { type: () => String }) clientId: string, @Args('provider', { type: () => String }) provider: string): string {
    requireId('clientId', clientId);
    this.registration.assertKnownProvider(requireId('provider', provider));
    return this.links.createLink(clientId, provider);
  }

  private fullCheck(operation: object) {
    return this.perOperation.once(operation, 'full-cycle', () => this.health.runHealthCheck());
  }
}
