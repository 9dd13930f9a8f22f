// Plain HTTP requests to a test app from a chosen loopback address (all of 127.0.0.0/8 reaches
// a server on 127.0.0.1), so a spec can be many clients at once.
import { request as httpRequest } from 'node:http';

export interface PlainAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface AddressedClient {
  get(path: string, headers?: Record<string, string>): Promise<PlainAnswer>;
  post(path: string, body: string, headers?: Record<string, string>): Promise<PlainAnswer>;
}

export function clientAt(baseUrl: string, localAddress: string): AddressedClient {
  const send = (method: string, path: string, body: string | undefined, headers: Record<string, string>) =>
    new Promise<PlainAnswer>((resolve, reject) => {
      const url = new URL(path, baseUrl);
      const req = httpRequest(url, { method, localAddress, headers: { connection: 'close', ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  return {
    get: (path, headers = {}) => send('GET', path, undefined, headers),
    post: (path, body, headers = {}) => send('POST', path, body, headers),
  };
}

/** The `name=value` part of each Set-Cookie of an answer, for a Cookie header. */
export function cookiesOf(answer: PlainAnswer): string {
  const setCookie = ([] as string[]).concat(answer.headers['set-cookie'] ?? []);
  return setCookie.map((cookie) => cookie.split(';')[0]).join('; ');
}
