// Posts GraphQL operations to a test app as the admin, through the real HTTP stack.
import { Server } from 'node:http';
import request from 'supertest';
import { TEST_ADMIN_TOKEN, TestApp } from './test-app';

export const REPORT_FIELDS = 'clientId provider status lastRefresh lastHealthCheck accessTokenExpiresAt error';
export const CHECK_TOKEN_HEALTH = `mutation($clientId: String) { checkTokenHealth(clientId: $clientId) { ${REPORT_FIELDS} } }`;
export const REGISTER = `mutation($input: RegisterOAuthTokenInput!) { registerOAuthToken(input: $input) { ${REPORT_FIELDS} } }`;

export interface GraphqlAnswer {
  status: number;
  text: string;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export async function graphqlAsAdmin(app: TestApp, query: string, variables: Record<string, unknown> = {}): Promise<GraphqlAnswer> {
  // Nest types the HTTP server as `any`; with the Express adapter it is Node's.
  const response = await request(app.app.getHttpServer() as Server)
    .post('/graphql')
    .set({ authorization: `Bearer ${TEST_ADMIN_TOKEN}` })
    .send({ query, variables });
  return { status: response.status, text: response.text, data: response.body.data, errors: response.body.errors };
}
