import { failureOf, json, Reply, startTokenEndpoint } from '../../../test/support/token-endpoint-server';
import { OAuthProviderError, OAuthProviderErrorCode } from '../oauth-provider.error';
import { describeProviderError, HttpTokenClient, HttpTokenClientOptions } from './http-token-client';

const passThrough = (status: number, body: unknown) => ({ status, body });
const TEN_MB = 10 * 1024 * 1024;

describe(HttpTokenClient.name, () => {
  let server: Awaited<ReturnType<typeof startTokenEndpoint>>;
  let sleeps: number[];

  const clientWith = (overrides: Partial<HttpTokenClientOptions> = {}) =>
    new HttpTokenClient({ timeoutMs: 2000, maxAttempts: 3, baseBackoffMs: 100, sleep: (ms) => Promise.resolve(void sleeps.push(ms)), ...overrides });

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

  it('answers a 429 as throttled at once, carrying its Retry-After, without retrying it', async () => {
    const url = await serve((res) => json(res, 429, {}, { 'retry-after': '3600' }));
    const sut = clientWith({ maxAttempts: 3 });

    const error = await failureOf(sut.postForm(url, {}, passThrough));

    expect(error.code).toBe(OAuthProviderErrorCode.Throttled);
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

  it('redacts a secret before cutting the text, so no part of one straddling the cut survives', async () => {
    const secret = 'cs-0123456789abcdefghij';
    const url = await serve((res) => json(res, 400, { error: 'invalid_client', error_description: `${'x'.repeat(190)}${secret}` }));
    const sut = clientWith({ maxAttempts: 1 });
    const classify = (_status: number, body: unknown) => new OAuthProviderError(OAuthProviderErrorCode.Configuration, describeProviderError(body));

    const error = await failureOf(sut.postForm(url, { client_secret: secret }, classify));

    expect(error.message).not.toContain(secret.slice(0, 8));
    expect(error.message).toContain('[redac');
  });

  it.each([
    ['a 30-character prefix of the refresh token', (rt: string) => rt.slice(0, 30)],
    ['the refresh token upper-cased', (rt: string) => rt.toUpperCase()],
    ['12 characters from the middle of the refresh token', (rt: string) => rt.slice(10, 22)],
    ['the refresh token base64-encoded', (rt: string) => Buffer.from(`:${rt}`).toString('base64')],
    ['the refresh token split by a NUL byte', (rt: string) => `${rt.slice(0, 20)}\u0000${rt.slice(20)}`],
  ])('redacts %s echoed in the error', async (_name, echo) => {
    const refreshToken = 'rt-0123456789abcdefghijklmnopqrstuvwxyz';
    const url = await serve((res) => json(res, 400, { error: 'invalid_grant', error_description: `bad token ${echo(refreshToken)}.` }));
    const classify = (_status: number, body: unknown) => new OAuthProviderError(OAuthProviderErrorCode.DeadGrant, describeProviderError(body));

    const error = await failureOf(clientWith().postForm(url, { refresh_token: refreshToken }, classify));

    // Base64 characters at the edges also depend on the bytes around the token: a few of them may stay.
    expect(error.message).toMatch(
      new RegExp(`^POST ${server.origin}/oauth/token answered HTTP 400: invalid_grant: bad token .{0,4}\\[redacted\\].{0,4}\\.$`),
    );
  });

  it('hands the classifier error text without control or invisible characters', async () => {
    const url = await serve((res) =>
      json(res, 400, { error: 'invalid\u0000_grant', error_description: 'gone\u202e\u200b\u2028now\u0007', message: 'a\u0000b' }),
    );

    const result = await clientWith().postForm(url, {}, passThrough);

    expect(result.body).toEqual({ error: 'invalid_grant', error_description: 'gone now', message: 'ab' });
  });

  it('hands the classifier a success answer untouched, even when it repeats a value that was sent', async () => {
    const url = await serve((res) => json(res, 200, { access_token: 'at', refresh_token: 'rt-same-123' }));
    const sut = clientWith();

    const result = await sut.postForm(url, { grant_type: 'refresh_token', refresh_token: 'rt-same-123' }, passThrough);

    expect(result.body).toEqual({ access_token: 'at', refresh_token: 'rt-same-123' });
  });

  it('truncates long provider error descriptions', async () => {
    const url = await serve((res) => json(res, 503, { error: 'temporarily_unavailable', error_description: 'x'.repeat(5000) }));
    const sut = clientWith({ maxAttempts: 1 });

    const error = await failureOf(sut.postForm(url, {}, passThrough));

    expect(error.message.length).toBeLessThan(400);
  });
});

describe(`${HttpTokenClient.name} (wire details)`, () => {
  let server: Awaited<ReturnType<typeof startTokenEndpoint>>;
  let sleeps: number[];

  const clientWith = (overrides: Partial<HttpTokenClientOptions> = {}) =>
    new HttpTokenClient({ timeoutMs: 2000, maxAttempts: 1, baseBackoffMs: 100, sleep: (ms) => Promise.resolve(void sleeps.push(ms)), ...overrides });
  const serve = async (reply: Reply) => {
    server = await startTokenEndpoint(reply);
    return `${server.origin}/oauth/token`;
  };
  const where = (status: number) => `POST ${server.origin}/oauth/token answered HTTP ${status}`;

  beforeEach(() => (sleeps = []));
  afterEach(() => {
    jest.restoreAllMocks();
    return server?.close();
  });

  it('asks for JSON', async () => {
    const url = await serve((res) => json(res, 200, {}));

    const accepts: (string | undefined)[] = [];
    server.onHeaders = (headers) => accepts.push(headers.accept);

    await clientWith().postForm(url, {}, passThrough);

    expect(accepts).toEqual(['application/json']);
  });

  it('hands a blank body to the classifier as undefined', async () => {
    const url = await serve((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('  \n'));

    await expect(clientWith().postForm(url, {}, passThrough)).resolves.toEqual({ status: 200, body: undefined });
  });

  it('hands a 204 without a body to the classifier as undefined', async () => {
    const url = await serve((res) => res.writeHead(204).end());

    await expect(clientWith().postForm(url, {}, passThrough)).resolves.toEqual({ status: 204, body: undefined });
  });

  it('accepts a body of exactly the cap, announced or streamed', async () => {
    const body = JSON.stringify({ a: 'x'.repeat(12) });
    const announced = await serve((res) => res.writeHead(200, { 'content-length': String(body.length) }).end(body));
    await expect(clientWith({ maxBodyBytes: body.length }).postForm(announced, {}, passThrough)).resolves.toEqual({
      status: 200,
      body: { a: 'x'.repeat(12) },
    });
    await server.close();

    const streamed = await serve((res) => {
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      res.write(body.slice(0, 5));
      res.end(body.slice(5));
    });
    await expect(clientWith({ maxBodyBytes: body.length }).postForm(streamed, {}, passThrough)).resolves.toEqual({
      status: 200,
      body: { a: 'x'.repeat(12) },
    });
  });

  it('reports a connection cut in the middle of the body as a network error', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('{"access_token":');
      setTimeout(() => res.socket?.destroy(), 20);
    });

    const error = await failureOf(clientWith().postForm(url, {}, passThrough));

    expect(error.code).toBe(OAuthProviderErrorCode.Transient);
    expect(error.message).toMatch(/: network error \(/);
  });

  it('adds nothing from a 5xx body that is not JSON', async () => {
    const url = await serve((res) => res.writeHead(500, { 'content-type': 'text/html' }).end('<html>down</html>'));

    const error = await failureOf(clientWith().postForm(url, {}, passThrough));

    expect(error.message).toBe(where(500));
  });

  it('says a 2xx body that is not JSON is malformed', async () => {
    const url = await serve((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>ok</html>'));

    const error = await failureOf(clientWith().postForm(url, {}, passThrough));

    expect(error).toMatchObject({ code: OAuthProviderErrorCode.Transient, message: `${where(200)}: malformed response (not JSON)` });
  });

  it.each([300, 302, 399])('treats HTTP %s as a wrong accounts server URL', async (status) => {
    const url = await serve((res) => res.writeHead(status, { location: '/x' }).end());

    const error = await failureOf(clientWith({ maxAttempts: 3 }).postForm(url, {}, passThrough));

    expect(error).toMatchObject({
      code: OAuthProviderErrorCode.Configuration,
      message: `${where(status)}: unexpected redirect; check the accounts server URL`,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('refuses an endpoint URL that is not a URL', async () => {
    const error = await failureOf(clientWith().postForm('not a url', {}, passThrough));

    expect(error).toMatchObject({
      code: OAuthProviderErrorCode.Configuration,
      message: 'The OAuth endpoint URL is invalid; check the accounts server setting',
    });
  });

  it('waits exactly half the step plus a random half of it', async () => {
    const url = await serve((res) => json(res, 502, {}));
    jest.spyOn(Math, 'random').mockReturnValue(1);

    await failureOf(clientWith({ maxAttempts: 3 }).postForm(url, {}, passThrough));

    expect(sleeps).toEqual([100, 200]);
  });

  it('caps the backoff step at 10 s', async () => {
    const url = await serve((res) => json(res, 502, {}));
    jest.spyOn(Math, 'random').mockReturnValue(0);

    await failureOf(clientWith({ maxAttempts: 3, baseBackoffMs: 15_000 }).postForm(url, {}, passThrough));

    expect(sleeps).toEqual([5000, 5000]);
  });

  it('answers a 503 with Retry-After as throttled, reading an HTTP date too', async () => {
    const at = new Date(Date.now() + 3000).toUTCString();
    const url = await serve((res) => json(res, 503, {}, { 'retry-after': at }));

    const error = await failureOf(clientWith({ maxAttempts: 2 }).postForm(url, {}, passThrough));

    expect(error.code).toBe(OAuthProviderErrorCode.Throttled);
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(2);
    expect(server.requests).toHaveLength(1);
  });

  it('ignores Retry-After on other statuses and values that are neither seconds nor a date', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(1);
    const replies: [number, string][] = [
      [500, '1'],
      [503, '2x'],
      [503, 'x2'],
    ];
    const url = await serve((res, attempt) =>
      json(res, replies[attempt - 1]?.[0] ?? 200, {}, replies[attempt - 1] ? { 'retry-after': replies[attempt - 1][1] } : {}),
    );

    await clientWith({ maxAttempts: 4, baseBackoffMs: 10 }).postForm(url, {}, passThrough);

    expect(sleeps).toEqual([10, 20, 40]);
  });

  it('keeps the values of fields that are not secret in an echoed error, and redacts the rest from 4 characters on', async () => {
    const form = {
      grant_type: 'refresh_token',
      token_type_hint: 'access_token',
      redirect_uri: 'https://app/cb',
      scope: 'ZohoCRM.all',
      code: 'abcd',
      state: 'xyz',
    };
    const url = await serve((res) => json(res, 500, { error: 'server_error', error_description: Object.values(form).join(' ') }));

    const error = await failureOf(clientWith().postForm(url, form, passThrough));

    expect(error.message).toBe(`${where(500)}: server_error: refresh_token access_token https://app/cb ZohoCRM.all [redacted] xyz`);
  });

  it('redacts the longer of two secrets that begin alike whole, leaving no remainder', async () => {
    const form = { client_secret: 'abcd1234', refresh_token: 'abcd1234efgh' };
    const url = await serve((res) => json(res, 500, { error: 'server_error', error_description: 'got abcd1234efgh' }));

    const error = await failureOf(clientWith().postForm(url, form, passThrough));

    expect(error.message).toBe(`${where(500)}: server_error: got [redacted]`);
  });

  it('redacts the error, status and message fields of an echoed error, and no other field', async () => {
    const secret = 'cs-0123456789';
    const url = await serve((res) => json(res, 400, { error: secret, error_description: secret, status: secret, message: secret, hint: secret }));

    const result = await clientWith().postForm(url, { client_secret: secret }, passThrough);

    expect(result.body).toEqual({ error: '[redacted]', error_description: '[redacted]', status: '[redacted]', message: '[redacted]', hint: secret });
  });

  it('leaves non-text error fields as they are', async () => {
    const url = await serve((res) => json(res, 400, { error: 42, message: null }));

    const result = await clientWith().postForm(url, { client_secret: 'cs-0123456789' }, passThrough);

    expect(result.body).toEqual({ error: 42, message: null });
  });

  it('hands a list answer to the classifier as it is', async () => {
    const url = await serve((res) => json(res, 400, ['cs-0123456789']));

    const result = await clientWith().postForm(url, { client_secret: 'cs-0123456789' }, passThrough);

    expect(result.body).toEqual(['cs-0123456789']);
  });

  it('redacts a sent value echoed in its URL-encoded form', async () => {
    const secret = 'a b+c/d=e';
    const url = await serve((res) => json(res, 500, { error: 'server_error', error_description: `got ${encodeURIComponent(secret)}` }));

    const error = await failureOf(clientWith().postForm(url, { client_secret: secret }, passThrough));

    expect(error.message).toBe(`${where(500)}: server_error: got [redacted]`);
  });

  it("redacts a value of the endpoint's query string echoed back", async () => {
    const url = await serve((res) => json(res, 500, { error: 'server_error', error_description: 'bad token rt-in-query' }));

    const error = await failureOf(clientWith().postForm(`${url}?token=rt-in-query`, {}, passThrough));

    expect(error.message).toBe(`${where(500)}: server_error: bad token [redacted]`);
  });

  it('redacts the extra secrets it is given, such as a client secret sent in a header', async () => {
    const url = await serve((res) => json(res, 500, { error: 'server_error', error_description: 'basic secret-in-header' }));

    const error = await failureOf(clientWith().postForm(url, {}, passThrough, { secrets: ['secret-in-header'] }));

    expect(error.message).toBe(`${where(500)}: server_error: basic [redacted]`);
  });

  it("redacts a sent value from the classifier's own message", async () => {
    const url = await serve((res) => json(res, 400, {}));
    const classify = () => new OAuthProviderError(OAuthProviderErrorCode.DeadGrant, 'refresh token rt-abcdef rejected');

    const error = await failureOf(clientWith().postForm(url, { refresh_token: 'rt-abcdef' }, classify));

    expect(error.message).toBe(`${where(400)}: refresh token [redacted] rejected`);
  });

  it('says how many attempts it made when it gave up after more than one', async () => {
    const url = await serve((res) => json(res, 500, { error: 'server_error' }));

    const error = await failureOf(clientWith({ maxAttempts: 2 }).postForm(url, {}, passThrough));

    expect(error.message).toBe(`${where(500)}: server_error (gave up after 2 attempts)`);
  });

  it('keeps the retry-after of a throttle in the error it answers', async () => {
    const url = await serve((res) => json(res, 429, {}, { 'retry-after': '60' }));

    const error = await failureOf(clientWith({ maxAttempts: 3 }).postForm(url, {}, passThrough));

    expect(error).toMatchObject({
      code: OAuthProviderErrorCode.Throttled,
      retryAfterSeconds: 60,
      message: `${where(429)}: no error code in the answer`,
    });
  });
});

describe(describeProviderError.name, () => {
  it('joins error and description', () => {
    expect(describeProviderError({ error: 'invalid_grant', error_description: 'revoked' })).toBe('invalid_grant: revoked');
  });

  it('flattens whitespace runs into one space', () => {
    expect(describeProviderError({ error: 'a \n\t b' })).toBe('a b');
  });

  it('skips empty and non-string parts', () => {
    expect(describeProviderError({ error: '', error_description: 'only this' })).toBe('only this');
    expect(describeProviderError({ error: 42, error_description: 'only this' })).toBe('only this');
  });

  it.each([null, undefined, 'invalid_grant', {}])('says there is no error code in %j', (body) => {
    expect(describeProviderError(body)).toBe('no error code in the answer');
  });

  it('keeps 200 characters and cuts the 201st with an ellipsis', () => {
    expect(describeProviderError({ error: 'x'.repeat(200) })).toBe('x'.repeat(200));
    expect(describeProviderError({ error: 'x'.repeat(201) })).toBe(`${'x'.repeat(200)}…`);
  });
});
