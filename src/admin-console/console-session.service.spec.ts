import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { ConsoleRoutes } from './console-routes';
import { ConsoleSessionGenerationRepository } from './console-session-generation.repository';
import { ConsoleSessionService, SESSION_IDLE_MS } from './console-session.service';
import { ConsoleRequest, ConsoleResponse } from './http-types';

const key = randomBytes(32);
const HOUR = 3600_000;

function config(overrides: Partial<AppConfig> = {}): AppConfig {
  return Object.assign(new AppConfig(), {
    tokenEncryptionKey: key,
    adminApiToken: 'admin-token-0123456789',
    publicBaseUrl: 'http://localhost:3000',
    adminSession: { maxHours: 12 },
    ...overrides,
  });
}

/** The one-row generation table, in memory. */
class InMemoryGenerations {
  generation = 1;
  current = () => Promise.resolve(this.generation);
  advance = () => Promise.resolve(++this.generation);
}

function service(overrides: Partial<AppConfig> = {}, generations = new InMemoryGenerations()): ConsoleSessionService {
  return new ConsoleSessionService(config(overrides), new ConsoleRoutes(), generations as unknown as ConsoleSessionGenerationRepository);
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
  const sut = service();

  it('reads back the session it started', async () => {
    const res = response();
    const started = await sut.logIn(requestWith(), res, now);

    expect(sut.read(requestWith(res.cookie), now + 1000)).toEqual({
      ...started,
      seenAt: Math.floor(now / 1000) * 1000,
      startedAt: Math.floor(now / 1000) * 1000,
    });
  });

  it('sets HttpOnly, SameSite=Strict and the console path, without Secure over plain http', async () => {
    const res = response();
    await sut.logIn(requestWith(), res, now);

    expect(res.cookie).toMatch(/; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=43200$/);
  });

  it('adds Secure when the request came over https (trusted proxy) or the public URL is https', () => {
    const viaProxy = response();
    sut.start(requestWith(undefined, true), viaProxy, now);
    const httpsSite = response();
    service({ publicBaseUrl: 'https://tokens.example.com' }).start(requestWith(), httpsSite, now);

    expect(viaProxy.cookie).toContain('; Secure');
    expect(httpsSite.cookie).toContain('; Secure');
  });

  it('ignores a cookie whose payload was changed (a pre-login session promoted by hand)', () => {
    const res = response();
    sut.start(requestWith(), res, now);
    const [id, , ...rest] = res.cookie!.split(';')[0].split('=')[1].split('.');

    expect(sut.read(requestWith(`th_console=${[id, '1', ...rest].join('.')}`), now)).toBeUndefined();
  });

  it('expires after 12 hours without a request', async () => {
    const res = response();
    await sut.logIn(requestWith(), res, now);

    expect(sut.read(requestWith(res.cookie), now + SESSION_IDLE_MS - 1000)).toBeDefined();
    expect(sut.read(requestWith(res.cookie), now + SESSION_IDLE_MS + 1000)).toBeUndefined();
  });

  it('ends a session its absolute lifetime after the login, however often it slid', async () => {
    const sliding = service({ adminSession: { maxHours: 3 } });
    let res = response();
    const session = await sliding.logIn(requestWith(), res, now);
    for (let hour = 1; hour < 3; hour++) {
      const next = response();
      sliding.touch(requestWith(res.cookie), next, sliding.read(requestWith(res.cookie), now + hour * HOUR)!, now + hour * HOUR);
      res = next;
    }

    expect(sliding.read(requestWith(res.cookie), now + 3 * HOUR - 1000)).toMatchObject({ id: session.id });
    expect(sliding.read(requestWith(res.cookie), now + 3 * HOUR + 1000)).toBeUndefined();
  });

  it('never lets the cookie outlive the absolute lifetime', async () => {
    const res = response();
    await service({ adminSession: { maxHours: 2 } }).logIn(requestWith(), res, now);

    expect(res.cookie).toMatch(/; Max-Age=7200$/);
  });

  it('ends every logged-in session when any of them logs out, and keeps pre-login sessions', async () => {
    const generations = new InMemoryGenerations();
    const shared = service({}, generations);
    const mine = response();
    const copied = response();
    const preLogin = response();
    await shared.logIn(requestWith(), mine, now);
    await shared.logIn(requestWith(), copied, now);
    shared.start(requestWith(), preLogin, now);

    await shared.logOut(requestWith(mine.cookie), response());

    expect(await shared.readCurrent(requestWith(copied.cookie), now)).toBeUndefined();
    expect(await shared.readCurrent(requestWith(preLogin.cookie), now)).toMatchObject({ authenticated: false });
  });

  it('ends every session when the admin token changes', async () => {
    const res = response();
    await sut.logIn(requestWith(), res, now);
    const rotated = service({ adminApiToken: 'another-admin-token-987654' });

    expect(rotated.read(requestWith(res.cookie), now)).toBeUndefined();
  });

  it("accepts a session's own CSRF token only", () => {
    const one = sut.start(requestWith(), response(), now);
    const other = sut.start(requestWith(), response(), now);

    expect(sut.csrfMatches(one, sut.csrfToken(one))).toBe(true);
    expect(sut.csrfMatches(one, sut.csrfToken(other))).toBe(false);
    expect(sut.csrfMatches(one, undefined)).toBe(false);
  });
});
