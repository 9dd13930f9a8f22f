/** Injection token of the CanActivate that protects the GraphQL API. */
export const TOKEN_HEALTH_AUTH_GUARD = Symbol('TOKEN_HEALTH_AUTH_GUARD');
