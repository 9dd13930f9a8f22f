/*
 * WebhookSink: a real HTTP server on 127.0.0.1 that records every request and answers
 * with scripted responses. Stands in for Slack's incoming webhook and for Twilio's API,
 * so adapters are tested over the wire, timeouts and status codes included.
 *
 *   const slack = await WebhookSink.start();                       // 200 'ok' at /hooks/slack
 *   const twilio = await WebhookSink.start({ status: 201, body: { sid: 'SM1' } });
 *   slack.failNext(2, 500);                                        // then back to 200 'ok'
 *   await slack.waitFor(1);
 *   await slack.close();
 */
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { secretScan } from './secret-scan';

export interface RecordedRequest {
  method: string;
  /** Path and query string, e.g. `/hooks/slack`. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Parsed body when it was sent as JSON. */
  json?: unknown;
  /** Parsed body when it was sent form-encoded (Twilio). */
  form?: Record<string, string>;
}

export interface SinkResponse {
  status: number;
  /** Objects are sent as JSON, strings as text. */
  body?: string | object;
}

export interface WebhookSinkOptions extends Partial<SinkResponse> {
  /** Path put into `url`; requests to any path are recorded anyway. Default `/hooks/slack`. */
  path?: string;
  /** Listen on this port (e.g. to come back where a closed sink was); default any free port. */
  port?: number;
}

export class WebhookSink {
  readonly requests: RecordedRequest[] = [];
  private standing: SinkResponse;
  private readonly queued: SinkResponse[] = [];
  private delayMs = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly server: Server,
    private readonly path: string,
    success: SinkResponse,
  ) {
    this.standing = success;
    // Bodies only: a Twilio request carries its auth token in the Authorization header by design.
    secretScan.watch(`sink ${path} bodies`, () => this.received.join('\n'));
  }

  /** Every body ever received, also those forgotten by reset(). */
  private readonly received: string[] = [];

  static async start(options: WebhookSinkOptions = {}): Promise<WebhookSink> {
    const server = createServer();
    const sink = new WebhookSink(server, options.path ?? '/hooks/slack', {
      status: options.status ?? 200,
      body: options.body ?? 'ok',
    });
    // A client that aborts mid-body (its own timeout) is not the sink's failure.
    server.on('request', (request, response) => void sink.handle(request, response).catch(() => response.destroy()));
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    return sink;
  }

  /** `http://127.0.0.1:PORT`, for clients configured with a base URL (Twilio's `apiUrl`). */
  get origin(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Origin plus the sink's path, for clients configured with a full URL (Slack's webhook). */
  get url(): string {
    return this.origin + this.path;
  }

  /** Answers every following request with `status` (until changed again). */
  respondWith(status: number, body?: string | object): void {
    this.standing = { status, body };
  }

  /** Answers the next `count` requests with `status`, then falls back to the standing response. */
  failNext(count: number, status: number, body?: string | object): void {
    for (let i = 0; i < count; i++) this.queued.push({ status, body: body ?? `error ${status}` });
  }

  /** Holds every following response back by `ms`, to trip client timeouts. */
  delay(ms: number): void {
    this.delayMs = ms;
  }

  /** Resolves with the recorded requests once there are at least `count`. */
  waitFor(count: number, timeoutMs = 5000): Promise<RecordedRequest[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.requests.length < count) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(this.requests);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`WebhookSink: expected ${count} requests within ${timeoutMs} ms, got ${this.requests.length}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Forgets recorded requests, queued failures and the delay; keeps the standing response. */
  reset(): void {
    this.requests.length = 0;
    this.queued.length = 0;
    this.delayMs = 0;
  }

  async close(): Promise<void> {
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    this.received.push(body);
    this.requests.push(parseRequest(request, body));
    this.waiters.forEach((check) => check());

    const answer = this.queued.shift() ?? this.standing;
    const send = (): void => {
      const isJson = typeof answer.body === 'object';
      response.writeHead(answer.status, { 'content-type': isJson ? 'application/json' : 'text/plain' });
      response.end(isJson ? JSON.stringify(answer.body) : (answer.body ?? ''));
    };
    if (this.delayMs === 0) return send();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      send();
    }, this.delayMs);
    this.timers.add(timer);
  }
}

function parseRequest(request: IncomingMessage, body: string): RecordedRequest {
  const recorded: RecordedRequest = {
    method: request.method ?? 'GET',
    path: request.url ?? '/',
    headers: request.headers,
    body,
  };
  const contentType = request.headers['content-type'] ?? '';
  if (contentType.includes('application/json')) {
    try {
      recorded.json = JSON.parse(body);
    } catch {
      // Malformed JSON stays available as `body`; the test asserting on it will say so.
    }
  }
  if (contentType.includes('application/x-www-form-urlencoded')) {
    recorded.form = Object.fromEntries(new URLSearchParams(body));
  }
  return recorded;
}
