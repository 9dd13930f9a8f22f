import { ApiScope } from './api-scope';

/** Who is calling the API: the bootstrap admin token (every scope) or one API key (its scopes). */
export type ApiPrincipal = { kind: 'admin-token' } | { kind: 'api-key'; id: string; scopes: readonly ApiScope[] };

/** `admin` holds every other scope. */
export function principalHasScope(principal: ApiPrincipal, scope: ApiScope): boolean {
  if (principal.kind === 'admin-token') return true;
  return principal.scopes.includes('admin') || principal.scopes.includes(scope);
}
