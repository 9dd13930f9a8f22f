import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('ApiKey', { description: 'A scoped API key; its secret is shown only once, when it is created' })
export class ApiKeyModel {
  @Field(() => ID, { description: 'Public id, also the part after `thk_` in the key; logs name a key by it' })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => [String], { description: 'read, check, connect, register, admin (admin holds every other scope)' })
  scopes!: string[];

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Stamped at most once a minute' })
  lastUsedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Refused from then on; null: never expires' })
  expiresAt!: Date | null;
}
