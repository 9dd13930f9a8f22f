import { Field, GraphQLISODateTime, ObjectType, registerEnumType } from '@nestjs/graphql';
import { TokenStatus } from '../../oauth/token-status';
import { TokenEventSource } from '../../token-history/token-event-source';
import { TokenStatusGql } from './token-status.enum';

const TokenEventSourceGql = {
  CHECK: TokenEventSource.Check,
  REGISTER: TokenEventSource.Register,
  CONNECT: TokenEventSource.Connect,
  ACCESS: TokenEventSource.Access,
} as const;

registerEnumType(TokenEventSourceGql, { name: 'TokenEventSource', description: 'What changed the status' });

@ObjectType('TokenHealthEvent', { description: 'One status transition of a connection' })
export class TokenHealthEventModel {
  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field(() => TokenStatusGql, { nullable: true, description: 'Null for the first status a connection had' })
  fromStatus!: TokenStatus | null;

  @Field(() => TokenStatusGql)
  toStatus!: TokenStatus;

  @Field(() => String, { nullable: true, description: 'The health-check error at the transition; never a secret' })
  error!: string | null;

  @Field(() => TokenEventSourceGql)
  source!: TokenEventSource;
}
