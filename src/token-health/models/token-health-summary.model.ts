import { Field, Float, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';
import { TokenStatus } from '../../oauth/token-status';
import { CheckRunModel } from './check-run.model';
import { TokenStatusGql } from './token-status.enum';

@ObjectType('StatusCount')
export class StatusCountModel {
  @Field(() => TokenStatusGql)
  status!: TokenStatus;

  @Field(() => Int)
  count!: number;
}

@ObjectType('ProviderStatusCount')
export class ProviderStatusCountModel {
  @Field(() => String)
  provider!: string;

  @Field(() => TokenStatusGql)
  status!: TokenStatus;

  @Field(() => Int)
  count!: number;
}

@ObjectType('ProviderOutage')
export class ProviderOutageModel {
  @Field(() => String)
  provider!: string;

  @Field(() => GraphQLISODateTime)
  since!: Date;

  @Field(() => Int)
  failures!: number;
}

@ObjectType('ProviderThrottling')
export class ProviderThrottlingModel {
  @Field(() => String)
  provider!: string;

  @Field(() => Float, { nullable: true, description: 'Refresh requests per second in force now, all replicas together' })
  rate!: number | null;

  @Field(() => String, { description: 'e.g. "zoho is throttling us; refreshes are running at 12/s"' })
  message!: string;
}

@ObjectType('TokenHealthSummary')
export class TokenHealthSummaryModel {
  @Field(() => Int)
  total!: number;

  @Field(() => [StatusCountModel], { description: 'Every status, zeros included' })
  byStatus!: StatusCountModel[];

  @Field(() => [ProviderStatusCountModel])
  byProvider!: ProviderStatusCountModel[];

  @Field(() => CheckRunModel, { nullable: true, description: 'Null before the first completed cycle in this process' })
  lastCycle!: CheckRunModel | null;

  @Field(() => [ProviderOutageModel], { description: 'Open provider outages, empty when none' })
  outages!: ProviderOutageModel[];

  @Field(() => [String], {
    description: 'Channels alerts go to (slack, email, sms, webhook, or host); empty while none is configured and alerts stay due',
  })
  alertChannels!: string[];

  @Field(() => Int, { description: 'Connections not healthy right now' })
  unhealthy!: number;
  @Field(() => [ProviderThrottlingModel], { description: 'Providers that keep throttling refreshes despite pacing (not outages), empty when none' })
  throttling!: ProviderThrottlingModel[];
}
