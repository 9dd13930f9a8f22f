import { ServerResponse } from 'node:http';
import { failureOf, json, Reply, startTokenEndpoint } from '../../../test/support/token-endpoint-server';
import { OAuthProviderError, OAuthProviderErrorCode } from '../oauth-provider.error';
import { HttpTokenClient, HttpTokenClientOptions } from './http-token-client';

const passThrough = (status: number, body: unknown) => ({ status, body });
const TEN_MB = 10 * 1024 * 1024;

describe(HttpTokenClient.name, () => {
  let server: Awaited<ReturnType<typeof startTokenEndpoint>>;
  let sleeps: number[];

  const clientWith = (overrides: Partial<HttpTokenClientOptions> = {}) =>
    new HttpTokenClient({ timeoutMs: 2000, maxAttempts: 3, baseBackoffMs: 100, sleep: async (ms) => void sleeps.push(ms), ...overrides });

  const serve = async (reply: Reply) => {
    server = await startTokenEndpoint(reply);
    return `${server.origin}/oauth/token`;
  };

  beforeEach(() => (sleeps = []));
  afterEach(() => server?.close());

  it('posts the form url-encoded and hands status and parsed JSON to the classifier', async () => {
    const url = await serve((res) => json(res, 200, { access_token: 'at' }));
    const sut = clientWith();

    const result = await sut.postForm(url, { grant_type: 'refresh_token', refresh_token: 'rt 1' }, passThrough);

    expect(result).toEqual({ status: 200, body: { access_token: 'at' } });
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/oauth/token', contentType: 'application/x-www-form-urlencoded' });
    expect(server.requests[0].form).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt 1' });
  });

  it('hands an empty body to the classifier as undefined', async () => {
    const url = await serve((res) => res.writeHead(200).end());
    const sut = clientWith();

    await expect(sut.postForm(url, {}, passThrough)).resolves.toEqual({ status: 200, body: undefined });
  });

  it('retries a 500 and returns the later success', async () => {
    const url = await serve((res, attempt) => (attempt === 1 ? json(res, 500, {}) : json(res, 200, { ok: true })));
    const sut = clientWith();

    await expect(sut.postForm(url, {}, passThrough)).resolves.toEqual({ status: 200, body: { ok: true } });
    expect(server.requests).toHaveLength(2);
  });

  it('gives up with a transient error after maxAttempts answers of 500', async () => {
    const url = await serve((res) => json(res, 500, { error: 'server_error' }));
    const sut = clientWith({ maxAttempts: 3 });

    const error = await failureOf(sut.postForm(url, {}, passThrough));

    expect(error.code).toBe(OAuthProviderErrorCode.Transient);
    expect(error.message).toContain(`POST ${server.origin}/oauth/token answered HTTP 500: server_error`);
    expect(server.requests).toHaveLength(3);
  });

  it('waits a jittered, exponentially growing delay between attempts', async () => {
    const url = await serve((res) => json(res, 502, {}));
    const sut = clientWith({ maxAttempts: 3, baseBackoffMs: 100 });

    await failureOf(sut.postForm(url, {}, passThrough));

    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(50);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(sleeps[1]).toBeGreaterThanOrEqual(100);
    expect(sleeps[1]).toBeLessThanOrEqual(200);
  });

  it.each([OAuthProviderErrorCode.DeadGrant, OAuthProviderErrorCode.Configuration, OAuthProviderErrorCode.Transient])(
    'does not retry a %s failure reported by the classifier',
    async (code) => {
      const url = await serve((res) => json(res, 400, { error: 'whatever' }));
      const sut = clientWith();

      const error = await failureOf(sut.postForm(url, {}, () => new OAuthProviderError(code, 'classified')));

      expect(error.code).toBe(code);
      expect(error.message).toBe(`POST ${server.origin}/oauth/token answered HTTP 400: classified`);
      expect(server.requests).toHaveLength(1);
    },
  );

  it('fails transiently, after retrying, when the server never answers', async () => {
    const url = await serve(() => undefined);
    const sut = clientWith({ timeoutMs: 200, maxAttempts: 2 });

    const error = await failureOf(sut.postForm(url, {}, passThrough));

    expect(error.code).toBe(OAuthProviderErrorCode.Transient);
    expect(error.message).toContain('no answer within 200 ms');
    expect(server.requests).toHaveLength(2);
  });

  it('fails transiently, after retrying, when the connection is reset', async () => {
    const url = await serve((res) => res.socket?.destroy());
    const sut = clientWith({ maxAttempts: 2 });

    const error = await failureOf(sut.postForm(url, {}, passThrough));

    expect(error.code).toBe(OAuthProviderErrorCode.Transient);
    expect(error.message).toMatch(/network error \(\w+\)/);
    expect(server.requests).toHaveLength(2);
  });

  it('fails transiently when nothing listens on the port', async () => {
    const url = await serve(() => undefined);
    await server.close();
    const sut = clientWith({ maxAttempts: 1 });

    const error = await failureOf(sut.postForm(url, {}, passThrough));

    expect(error.code).toBe(OAuthProviderErrorCode.Transient);
    expect(error.message).toContain('network error (ECONNREFUSED)');
  });

  it('fails transiently, without retrying, on an HTML answer', async () => {
    const url = await serve((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Maintenance</html>'));
    const sut = clientWith();

    const error = await failureOf(sut.postForm(url, {}, passThrough));

    expect(error.code).toBe(OAuthProviderErrorCode.Transient);
    expect(error.message).toContain('malformed response (not JSON)');
    expect(server.requests).toHaveLength(1);
  });

  it('hangs up on a 10 MB body instead of buffering it', async () => {
    let sent = 0;
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, ' ');
      // Paced so the socket buffers cannot swallow the whole body before the client decides.
      const pump = () => {
        if (res.destroyed || sent >= TEN_MB) return void (res.destroyed || res.end());
        sent += chunk.length;
        res.write(chunk);
        setTimeout(pump, 1);
      };
      pump();
    });
    const sut = clientWith({ maxBodyBytes: 1024 * 1024 });

    const error = await failureOf(sut.postForm(url, {}, passThrough));

    expect(error.code).toBe(OAuthProviderErrorCode.Transient);
    expect(error.message).toContain('malformed response (body over 1048576 bytes)');
    expect(sent).toBeLessThan(TEN_MB);
  });

  it('refuses a body whose Content-Length exceeds the cap without reading it', async () => {
    const url = await serve((res) => res.writeHead(200, { 'content-length': String(TEN_MB) }).write('{'));
    const sut = clientWith({ maxBodyBytes: 1024 * 1024 });

    const error = await failureOf(sut.postForm(url, {}, passThrough));

    expect(error.message).toContain('malformed response (body over 1048576 bytes)');
  });

  it('honours a short Retry-After on 429 and then succeeds', async () => {
    const url = await serve((res, attempt) =>
      attempt === 1 ? json(res, 429, {}, { 'retry-after': '1' }) : json(res, 200, { ok: true }),
    );
    const sut = clientWith();

    await expect(sut.postForm(url, {}, passThrough)).resolves.toEqual({ status: 200, body: { ok: true } });
    expect(sleeps).toEqual([1000]);
  });

  it('stops at once, carrying retryAfterSeconds, when Retry-After is too long to wait', async () => {
    const url = await serve((res) => json(res, 429, {}, { 'retry-after': '3600' }));
    const sut = clientWith({ maxRetryAfterSeconds: 5 });

    const error = await failureOf(sut.postForm(url, {}, passThrough));

    expect(error.code).toBe(OAuthProviderErrorCode.Transient);
    expect(error.retryAfterSeconds).toBe(3600);
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('treats a redirect as a configuration error and does not follow it', async () => {
    const url = await serve((res) => res.writeHead(302, { location: '/elsewhere' }).end());
    const sut = clientWith();

    const error = await failureOf(sut.postForm(url, { client_secret: 'cs-123456' }, passThrough));

    expect(error.code).toBe(OAuthProviderErrorCode.Configuration);
    expect(server.requests.map((request) => request.path)).toEqual(['/oauth/token']);
  });

  it('names the endpoint without its query string or any form value', async () => {
    const url = await serve((res) => json(res, 500, {}));
    const sut = clientWith({ maxAttempts: 1 });

    const error = await failureOf(sut.postForm(`${url}?token=rt-in-query`, { client_secret: 'cs-123456' }, passThrough));

    expect(error.message).toBe(`POST ${server.origin}/oauth/token answered HTTP 500: no error code in the answer`);
  });

  it('redacts form values the provider echoes back in its error', async () => {
    const url = await serve((res) => json(res, 500, { error: 'server_error', error_description: 'bad secret cs-123456 for rt-abcdef' }));
    const sut = clientWith({ maxAttempts: 1 });

    const error = await failureOf(sut.postForm(url, { client_secret: 'cs-123456', refresh_token: 'rt-abcdef' }, passThrough));

    expect(error.message).toContain('bad secret [redacted] for [redacted]');
  });

  it('truncates long provider error descriptions', async () => {
    const url = await serve((res) => json(res, 503, { error: 'temporarily_unavailable', error_description: 'x'.repeat(5000) }));
    const sut = clientWith({ maxAttempts: 1 });

    const error = await failureOf(sut.postForm(url, {}, passThrough));

    expect(error.message.length).toBeLessThan(400);
  });
});
