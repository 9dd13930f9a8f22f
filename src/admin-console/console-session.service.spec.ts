import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { ConsoleRoutes } from './console-routes';
import { ConsoleSessionService, SESSION_IDLE_MS } from './console-session.service';
import { ConsoleRequest, ConsoleResponse } from './http-types';

const key = randomBytes(32);

function config(overrides: Partial<AppConfig> = {}): AppConfig {
  return Object.assign(new AppConfig(), {
    tokenEncryptionKey: key,
    adminApiToken: 'admin-token-0123456789',
    publicBaseUrl: 'http://localhost:3000',
    ...overrides,
  });
}

function response(): ConsoleResponse & { cookie?: string } {
  const res = {
    cookie: undefined as string | undefined,
    setHeader(name: string, value: string) {
      if (name === 'Set-Cookie') res.cookie = value;
      return res;
    },
  };
  return res as unknown as ConsoleResponse & { cookie?: string };
}

const requestWith = (cookie?: string, secure = false): ConsoleRequest => ({
  method: 'GET',
  headers: cookie ? { cookie: cookie.split(';')[0] } : {},
  query: {},
  secure,
});

describe(ConsoleSessionService.name, () => {
  const now = 1_800_000_000_000;
  const sut = new ConsoleSessionService(config(), new ConsoleRoutes());

  it('reads back the session it started', () => {
    const res = response();
    const started = sut.start(requestWith(), res, true, now);

    expect(sut.read(requestWith(res.cookie), now + 1000)).toEqual({ ...started, seenAt: Math.floor(now / 1000) * 1000 });
  });

  it('sets HttpOnly, SameSite=Strict and the console path, without Secure over plain http', () => {
    const res = response();
    sut.start(requestWith(), res, true, now);

    expect(res.cookie).toMatch(/; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=43200$/);
  });

  it('adds Secure when the request came over https (trusted proxy) or the public URL is https', () => {
    const viaProxy = response();
    sut.start(requestWith(undefined, true), viaProxy, true, now);
    const httpsSite = response();
    new ConsoleSessionService(config({ publicBaseUrl: 'https://tokens.example.com' }), new ConsoleRoutes()).start(
      requestWith(),
      httpsSite,
      true,
      now,
    );

    expect(viaProxy.cookie).toContain('; Secure');
    expect(httpsSite.cookie).toContain('; Secure');
  });

  it('ignores a cookie whose payload was changed (a pre-login session promoted by hand)', () => {
    const res = response();
    sut.start(requestWith(), res, false, now);
    const [id, , seen, mac] = res.cookie!.split(';')[0].split('=')[1].split('.');

    expect(sut.read(requestWith(`th_console=${id}.1.${seen}.${mac}`), now)).toBeUndefined();
  });

  it('expires after 12 hours without a request', () => {
    const res = response();
    sut.start(requestWith(), res, true, now);

    expect(sut.read(requestWith(res.cookie), now + SESSION_IDLE_MS - 1000)).toBeDefined();
    expect(sut.read(requestWith(res.cookie), now + SESSION_IDLE_MS + 1000)).toBeUndefined();
  });

  it('ends every session when the admin token changes', () => {
    const res = response();
    sut.start(requestWith(), res, true, now);
    const rotated = new ConsoleSessionService(config({ adminApiToken: 'another-admin-token-987654' }), new ConsoleRoutes());

    expect(rotated.read(requestWith(res.cookie), now)).toBeUndefined();
  });

  it("accepts a session's own CSRF token only", () => {
    const one = sut.start(requestWith(), response(), true, now);
    const other = sut.start(requestWith(), response(), true, now);

    expect(sut.csrfMatches(one, sut.csrfToken(one))).toBe(true);
    expect(sut.csrfMatches(one, sut.csrfToken(other))).toBe(false);
    expect(sut.csrfMatches(one, undefined)).toBe(false);
  });
});
