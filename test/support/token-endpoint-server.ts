// A bare token endpoint on 127.0.0.1 for the provider adapters' unit specs: each
// request is recorded and answered by the spec's `reply`, so timeouts, resets and
// streamed bodies behave as on the wire.
import { createServer, IncomingHttpHeaders, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { OAuthProviderError } from '../../src/oauth/oauth-provider.error';

export interface ReceivedRequest {
  method: string;
  path: string;
  contentType: string;
  form: Record<string, string>;
}

export type Reply = (res: ServerResponse, attempt: number) => void;

export async function startTokenEndpoint(reply: Reply) {
  const requests: ReceivedRequest[] = [];
  const endpoint = {
    origin: '',
    requests,
    close: (): Promise<void> => Promise.resolve(),
    /** Sees each request's headers before `reply` runs (client authentication checks). */
    onHeaders: undefined as ((headers: IncomingHttpHeaders) => void) | undefined,
  };
  const server = createServer((req, res) => {
    endpoint.onHeaders?.(req.headers);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
      requests.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'] ?? '', form });
      reply(res, requests.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  endpoint.close = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return endpoint;
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** The OAuthProviderError a promise rejects with; fails the test on anything else. */
export async function failureOf(promise: Promise<unknown>): Promise<OAuthProviderError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (outcome instanceof OAuthProviderError) return outcome;
  throw new Error(`expected an OAuthProviderError, got ${String(outcome)}`);
}
