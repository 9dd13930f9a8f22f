import { Field, InputType } from '@nestjs/graphql';
import { TokenStatus } from '../../oauth/token-status';
import { TokenStatusGql } from '../models/token-status.enum';

@InputType('TokenFilter')
export class TokenFilterInput {
  @Field(() => [TokenStatusGql], { nullable: true })
  status?: TokenStatus[] | null;

  @Field(() => String, { nullable: true })
  provider?: string | null;

  @Field(() => String, { nullable: true, description: 'clientId substring' })
  search?: string | null;
}
