/** Injection token of the CanActivate that protects the GraphQL API. */
export const TOKEN_HEALTH_AUTH_GUARD = Symbol('TOKEN_HEALTH_AUTH_GUARD');

/** Injection token of a host app's own CanActivate for the REST API (`api.guard`), or null. */
export const TOKEN_HEALTH_API_GUARD = Symbol('TOKEN_HEALTH_API_GUARD');
