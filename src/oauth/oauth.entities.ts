import { OAuthToken } from './oauth-token.entity';

/** The TypeORM entities of this feature, for a host's DataSource. */
export const OAUTH_ENTITIES = [OAuthToken];
