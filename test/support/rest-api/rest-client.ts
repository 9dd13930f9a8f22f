// The REST API's client for specs: typed by the checked-in document (openapi-typescript), and every
// exchange checked against that same document at run time — a query parameter it does not list, an
// answer status it does not list, a body or content type that does not match its schema all throw.
// So what the document says is what the running server does.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import createClient, { Client, Middleware } from 'openapi-fetch';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { paths } from './openapi';
import { TEST_ADMIN_TOKEN } from '../test-app';

interface Parameter {
  name: string;
  in: string;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, { schema: unknown }>; headers?: Record<string, unknown> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

export type RestClient = Client<paths>;

export const OPENAPI_DOCUMENT = JSON.parse(readFileSync(join(__dirname, '../../../openapi.json'), 'utf8')) as Document;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(OPENAPI_DOCUMENT, 'openapi');

const pointer = (...parts: string[]) => parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** Every documented operation answered by the server, with each documented status it answered (`listConnections 200`). */
export const exercised = new Set<string>();

export function documentedExchanges(): string[] {
  return Object.values(OPENAPI_DOCUMENT.paths).flatMap((item) =>
    Object.values(item).flatMap((operation) => Object.keys(operation.responses).map((status) => `${operation.operationId} ${status}`)),
  );
}

const conformance: Middleware = {
  onRequest({ request, schemaPath }) {
    const operation = operationOf(request.method, schemaPath);
    const documented = new Set((operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name));
    for (const name of new URL(request.url).searchParams.keys()) {
      if (!documented.has(name)) throw new Error(`${operation.operationId}: query parameter ${name} is not in the document`);
    }
    if (request.body && !operation.requestBody) throw new Error(`${operation.operationId}: the document lists no request body`);
  },
  async onResponse({ request, schemaPath, response }) {
    await checkAnswer(request.method, schemaPath, response);
  },
};

/** Throws unless the document lists this answer's status and content type for the operation and its body matches the schema. */
export async function checkAnswer(method: string, schemaPath: string, response: Response): Promise<void> {
  const operation = operationOf(method, schemaPath);
  const status = String(response.status);
  const answer = operation.responses[status];
  if (!answer) throw new Error(`${operation.operationId}: status ${status} is not in the document (${await response.clone().text()})`);
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
  if (!answer.content?.[contentType]) throw new Error(`${operation.operationId} ${status}: content type "${contentType}" is not in the document`);
  const validate = ajv.getSchema(
    `openapi#/${pointer('paths', schemaPath, method.toLowerCase(), 'responses', status, 'content', contentType, 'schema')}`,
  );
  const body: unknown = await response.clone().json();
  if (!validate!(body))
    throw new Error(`${operation.operationId} ${status}: the body does not match the document: ${ajv.errorsText(validate!.errors)}`);
  exercised.add(`${operation.operationId} ${status}`);
}

/** A request the typed client would not send (an undocumented parameter or body), its answer still checked against the document. */
export async function sendUnchecked(baseUrl: string, method: string, schemaPath: string, pathAndQuery: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${baseUrl}${pathAndQuery}`, {
    method,
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await checkAnswer(method, schemaPath, response);
  return response;
}

function operationOf(method: string, schemaPath: string): Operation {
  const operation = OPENAPI_DOCUMENT.paths[schemaPath]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${schemaPath} is not in the document`);
  return operation;
}

/** A client for the server at `baseUrl`, as the admin by default; `token: null` sends no credential. */
export function restClient(baseUrl: string, token: string | null = TEST_ADMIN_TOKEN): RestClient {
  const client = createClient<paths>({ baseUrl, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  client.use(conformance);
  return client;
}
