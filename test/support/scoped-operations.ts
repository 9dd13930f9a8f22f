// Which scope each API operation needs, as one table the scope specs run over: add a row per
// operation of any surface (GraphQL field, REST route) and a way to call it on that surface.
import { randomBytes } from 'node:crypto';
import { ApiScope } from '../../src/auth/api-scope';
import { secretScan } from './secret-scan';

export type Surface = 'graphql';

export interface ScopedOperation {
  surface: Surface;
  /** The GraphQL root field (or, for REST, `METHOD /path`). */
  operation: string;
  scope: ApiScope;
}

export const SCOPED_OPERATIONS: ScopedOperation[] = [
  { surface: 'graphql', operation: 'tokenHealth', scope: 'read' },
  { surface: 'graphql', operation: 'tokens', scope: 'read' },
  { surface: 'graphql', operation: 'tokenHealthSummary', scope: 'read' },
  { surface: 'graphql', operation: 'tokenHealthHistory', scope: 'read' },
  { surface: 'graphql', operation: 'checkTokenHealth', scope: 'check' },
  { surface: 'graphql', operation: 'runHealthCheck', scope: 'check' },
  { surface: 'graphql', operation: 'createConnectLink', scope: 'connect' },
  { surface: 'graphql', operation: 'registerOAuthToken', scope: 'register' },
  { surface: 'graphql', operation: 'apiKeys', scope: 'admin' },
  { surface: 'graphql', operation: 'createApiKey', scope: 'admin' },
  { surface: 'graphql', operation: 'revokeApiKey', scope: 'admin' },
];

/** What a credential may do: an operation is allowed for its own scope and for `admin`. */
export function allows(credentialScope: ApiScope, operation: ScopedOperation): boolean {
  return credentialScope === 'admin' || credentialScope === operation.scope;
}

/** One call of each GraphQL operation that succeeds for a caller allowed to make it (client `acme`, provider `zoho` seeded). */
export function graphqlCallOf(operation: string): { query: string; variables?: Record<string, unknown> } {
  switch (operation) {
    case 'tokenHealth':
      return { query: '{ tokenHealth(clientId: "acme") { clientId status } }' };
    case 'tokens':
      return { query: '{ tokens(first: 5) { totalCount edges { node { clientId } } } }' };
    case 'tokenHealthSummary':
      return { query: '{ tokenHealthSummary { total } }' };
    case 'tokenHealthHistory':
      return { query: '{ tokenHealthHistory(clientId: "acme", provider: "zoho") { at } }' };
    case 'checkTokenHealth':
      return { query: 'mutation { checkTokenHealth(clientId: "acme") { status } }' };
    case 'runHealthCheck':
      return { query: 'mutation { runHealthCheck { checked } }' };
    case 'createConnectLink':
      return { query: 'mutation { createConnectLink(clientId: "acme", provider: "zoho") }' };
    case 'registerOAuthToken': {
      const refreshToken = secretScan.secret(`1000.refresh.${randomBytes(8).toString('hex')}`, 'imported refresh token');
      return {
        query: 'mutation($input: RegisterOAuthTokenInput!) { registerOAuthToken(input: $input) { status } }',
        variables: { input: { clientId: 'imported', provider: 'zoho', refreshToken } },
      };
    }
    case 'apiKeys':
      return { query: '{ apiKeys { id name scopes } }' };
    case 'createApiKey':
      return { query: 'mutation { createApiKey(name: "made by a key", scopes: ["read"]) { key apiKey { id } } }' };
    case 'revokeApiKey':
      return { query: 'mutation { revokeApiKey(id: "0000000000") }' };
    default:
      throw new Error(`No GraphQL call for ${operation}: add one beside its row in SCOPED_OPERATIONS`);
  }
}
