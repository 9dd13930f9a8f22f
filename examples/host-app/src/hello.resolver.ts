import { Query, Resolver } from '@nestjs/graphql';

/** The host's own GraphQL: token-health's queries join this schema. */
@Resolver()
export class HelloResolver {
  @Query(() => String)
  hello(): string {
    return 'hello from the host app';
  }
}
