/** Injection token of a host app's CanActivate for the console (null: the console's own login). */
export const TOKEN_HEALTH_CONSOLE_GUARD = Symbol('TOKEN_HEALTH_CONSOLE_GUARD');
