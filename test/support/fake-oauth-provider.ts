// A Zoho-like accounts server on 127.0.0.1 for e2e tests and benches: token endpoint
// (refresh_token and authorization_code grants), authorize page and revoke.
// Each refresh token can be given a scripted behaviour; every request is recorded.
import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { secretScan } from './secret-scan';

export interface FakeResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Destroy the socket instead of answering (connection reset). */
  reset?: boolean;
  /** Never answer (the client must time out). */
  hang?: boolean;
}

export type Behaviour = (request: TokenRequest) => FakeResponse;

export interface TokenRequest {
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
  grantType: string | null;
  refreshToken: string | null;
}

export const zohoSuccess = (accessToken = `access-${Math.random().toString(36).slice(2)}`, extra: object = {}): FakeResponse => ({
  status: 200,
  body: { access_token: accessToken, api_domain: 'https://www.zohoapis.com', token_type: 'Bearer', expires_in: 3600, ...extra },
});

export class FakeOAuthProvider {
  readonly requests: TokenRequest[] = [];
  /** Default answer of the token endpoint. */
  defaultBehaviour: Behaviour = () => zohoSuccess();
  private readonly byRefreshToken = new Map<string, Behaviour[]>();
  private readonly byCode = new Map<string, FakeResponse>();
  latencyMs = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeOAuthProvider> {
    const fake: FakeOAuthProvider = new FakeOAuthProvider(createServer((req, res) => void fake.handle(req, res)));
    const server = fake.server;
    // Longer than the app's idle keep-alive, so its pooled sockets are not cut mid-cycle.
    server.keepAliveTimeout = 60_000;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Scripts the answers for one refresh token: one behaviour per request, the last one repeats. */
  whenRefreshing(refreshToken: string, ...behaviours: (Behaviour | FakeResponse)[]): this {
    this.byRefreshToken.set(
      refreshToken,
      behaviours.map((b) => (typeof b === 'function' ? b : () => b)),
    );
    return this;
  }

  /** The answer to an authorization_code exchange of `code`. */
  whenExchanging(code: string, response: FakeResponse): this {
    this.byCode.set(code, response);
    return this;
  }

  refreshCount(refreshToken?: string): number {
    return this.requests.filter((r) => r.grantType === 'refresh_token' && (!refreshToken || r.refreshToken === refreshToken)).length;
  }

  /** Refreshes beyond the first of each refresh token: a token refreshed twice. */
  duplicateRefreshes(): number {
    const refreshes = this.requests.filter((r) => r.grantType === 'refresh_token');
    return refreshes.length - new Set(refreshes.map((r) => r.refreshToken)).size;
  }

  requestsTo(path: string): TokenRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Forgets the requests seen so far, keeping the behaviours and the latency. */
  forgetRequests(): void {
    this.requests.length = 0;
  }

  reset(): void {
    this.requests.length = 0;
    this.byRefreshToken.clear();
    this.byCode.clear();
    this.defaultBehaviour = () => zohoSuccess();
    this.latencyMs = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const request: TokenRequest = {
      path: url.pathname,
      query: url.searchParams,
      form,
      grantType: form.get('grant_type'),
      refreshToken: form.get('refresh_token'),
    };
    this.requests.push(request);
    const response = this.respond(request);
    const delay = (response.delayMs ?? 0) + this.latencyMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (response.hang) return;
    if (response.reset) {
      req.socket.destroy();
      return;
    }
    const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? {});
    registerIssuedTokens(response.body);
    res.writeHead(response.status ?? 200, {
      'content-type': typeof response.body === 'string' ? 'text/html' : 'application/json',
      ...response.headers,
    });
    res.end(body);
  }

  private respond(request: TokenRequest): FakeResponse {
    if (request.path === '/oauth/v2/token/revoke') return { status: 200, body: { status: 'success' } };
    if (request.path !== '/oauth/v2/token') return { status: 404, body: 'not found' };
    if (request.grantType === 'authorization_code') {
      return this.byCode.get(request.form.get('code') ?? '') ?? { status: 200, body: { error: 'invalid_code' } };
    }
    const script = request.refreshToken ? this.byRefreshToken.get(request.refreshToken) : undefined;
    if (!script) return this.defaultBehaviour(request);
    const behaviour = script.length > 1 ? script.shift()! : script[0];
    return behaviour(request);
  }
}

// Whatever the provider hands out is a secret from then on, wherever the app carries it.
function registerIssuedTokens(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  for (const field of ['access_token', 'refresh_token', 'id_token']) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === 'string') secretScan.secret(value, `issued ${field}`);
  }
}
