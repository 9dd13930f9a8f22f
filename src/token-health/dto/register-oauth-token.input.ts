import { Field, GraphQLISODateTime, InputType } from '@nestjs/graphql';

@InputType()
export class RegisterOAuthTokenInput {
  @Field(() => String)
  clientId!: string;

  @Field(() => String)
  provider!: string;

  @Field(() => String)
  refreshToken!: string;

  @Field(() => String, { nullable: true })
  accessToken?: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  accessTokenExpiresAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'Zoho data-centre accounts URL; must pass the allowlist' })
  accountsServer?: string | null;
}
