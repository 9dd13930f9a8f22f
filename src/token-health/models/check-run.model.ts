import { Field, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('CheckRun', { description: 'Summary of one full check cycle' })
export class CheckRunModel {
  @Field(() => GraphQLISODateTime)
  startedAt!: Date;

  @Field(() => GraphQLISODateTime)
  finishedAt!: Date;

  @Field(() => Int)
  checked!: number;

  @Field(() => Int)
  refreshed!: number;

  @Field(() => Int)
  failed!: number;
}
