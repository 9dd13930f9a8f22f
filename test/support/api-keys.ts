// API keys in specs: create them as the admin, call GraphQL with any bearer. Every key an answer
// hands out is registered with the secret scan as shown once (that answer, nowhere else), and its
// stored hash as a secret that must never appear at all.
import request from 'supertest';
import { ApiScope } from '../../src/auth/api-scope';
import { httpServer } from '../factories/http-server';
import { GraphqlAnswer } from './graphql-client';
import { secretScan } from './secret-scan';
import { TEST_ADMIN_TOKEN, TestApp } from './test-app';

export const CREATE_API_KEY = `mutation($name: String!, $scopes: [String!]!, $expiresAt: DateTime) {
  createApiKey(name: $name, scopes: $scopes, expiresAt: $expiresAt) { key apiKey { id name scopes createdAt lastUsedAt expiresAt } }
}`;

export interface CreatedKey {
  key: string;
  id: string;
}

/** POST /graphql with `Authorization: Bearer <bearer>` (or none). */
export async function graphqlAs(
  app: TestApp,
  bearer: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlAnswer> {
  let call = request(httpServer(app)).post('/graphql');
  if (bearer !== undefined) call = call.set('authorization', `Bearer ${bearer}`);
  const response = await call.send({ query, variables });
  const body = response.body as { data?: Record<string, unknown> | null; errors?: GraphqlAnswer['errors'] };
  const created = (body.data?.createApiKey as { key?: string } | undefined)?.key;
  if (created) await rememberApiKey(app, created);
  return { status: response.status, text: response.text, data: body.data, errors: body.errors };
}

/** Creates a key as the admin; fails on any error. */
export async function createApiKey(app: TestApp, scopes: ApiScope[], options: { name?: string; expiresAt?: Date } = {}): Promise<CreatedKey> {
  const answer = await graphqlAs(app, TEST_ADMIN_TOKEN, CREATE_API_KEY, {
    name: options.name ?? `key for ${scopes.join('+')}`,
    scopes,
    expiresAt: options.expiresAt?.toISOString() ?? null,
  });
  const created = (answer.data?.createApiKey as { key: string; apiKey: { id: string } } | undefined) ?? undefined;
  if (!created) throw new Error(`createApiKey failed: ${answer.text}`);
  return { key: created.key, id: created.apiKey.id };
}

/** Registers a key handed out by the system (shown once) and the hash stored for it. */
export async function rememberApiKey(app: TestApp, key: string): Promise<void> {
  secretScan.shownOnce(key, 'API key');
  const id = /^thk_([0-9a-f]{10})_/.exec(key)?.[1];
  const rows: { secret_hash: Buffer }[] = await app.dataSource.query('SELECT secret_hash FROM api_keys WHERE id = $1', [id]);
  for (const { secret_hash: hash } of rows) {
    for (const encoding of ['hex', 'base64', 'base64url'] as const) secretScan.secret(hash.toString(encoding), 'stored API key hash');
  }
}
