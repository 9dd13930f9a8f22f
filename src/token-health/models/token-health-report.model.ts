import { Field, GraphQLISODateTime, ObjectType } from '@nestjs/graphql';
import { TokenStatus } from '../../oauth/token-status';
import { TokenStatusGql } from './token-status.enum';

@ObjectType('TokenHealthReport')
export class TokenHealthReportModel {
  @Field(() => String)
  clientId!: string;

  @Field(() => String)
  provider!: string;

  @Field(() => TokenStatusGql)
  status!: TokenStatus;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Last successful refresh' })
  lastRefresh!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  lastHealthCheck!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  accessTokenExpiresAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Last health-check error; never a secret' })
  error!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only on checkTokenHealth(clientId): why this connection was not sent to its provider (its documented limit) and when it can be',
  })
  checkSkippedReason?: string | null;
}
