import { Field, ObjectType } from '@nestjs/graphql';
import { ApiKeyModel } from './api-key.model';

@ObjectType('CreatedApiKey', { description: 'A new API key with its secret: shown this once, stored only as a hash' })
export class CreatedApiKeyModel {
  @Field(() => String, { description: 'The bearer credential, `thk_<id>_<secret>`' })
  key!: string;

  @Field(() => ApiKeyModel)
  apiKey!: ApiKeyModel;
}
