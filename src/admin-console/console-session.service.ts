import { Injectable } from '@nestjs/common';
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { ConsoleRoutes } from './console-routes';
import { ConsoleSessionGenerationRepository } from './console-session-generation.repository';
import { ConsoleRequest, ConsoleResponse } from './http-types';

const SESSION_COOKIE = 'th_console';
export const SESSION_IDLE_MS = 12 * 3600_000;
// Re-issuing the cookie on every request would be churn; once a minute keeps the idle clock honest.
const REFRESH_AFTER_MS = 60_000;

export interface ConsoleSession {
  id: string;
  /** False for the pre-login session that only carries the login form's CSRF token. */
  authenticated: boolean;
  seenAt: number;
  /** When the session was started (its login, for an authenticated one); sliding never moves it. */
  startedAt: number;
  /** The session generation it was issued in (0 before login). */
  generation: number;
}

/**
 * Console sessions: a random id, a logged-in flag, last-seen and start times and
 * the session generation in a cookie signed with HMAC-SHA256. The key is derived
 * (HKDF) from the encryption key and the admin token, so changing either ends
 * every session; logging out advances the generation in PostgreSQL, which ends
 * every session on every replica. A session ends `adminSession.maxHours` after
 * its login however active it stays.
 */
@Injectable()
export class ConsoleSessionService {
  private readonly key: Buffer;
  private readonly alwaysSecure: boolean;
  private readonly maxLifetimeMs: number;

  constructor(
    config: AppConfig,
    private readonly routes: ConsoleRoutes,
    private readonly generations: ConsoleSessionGenerationRepository,
  ) {
    const adminTokenDigest = createHash('sha256')
      .update(config.adminApiToken ?? '')
      .digest('hex');
    this.key = Buffer.from(hkdfSync('sha256', config.tokenEncryptionKey!, 'token-health admin console', `session|${adminTokenDigest}`, 32));
    this.alwaysSecure = config.publicBaseUrl.startsWith('https:');
    this.maxLifetimeMs = config.adminSession.maxHours * 3600_000;
  }

  /** The request's session if its cookie is genuine and neither idle nor past its lifetime (no generation check). */
  read(req: ConsoleRequest, now = Date.now()): ConsoleSession | undefined {
    const parts = readCookie(req, SESSION_COOKIE)?.split('.');
    if (!parts || parts.length !== 6) return undefined;
    const [id, auth, seen, started, generation, mac] = parts;
    if (!this.verify(parts.slice(0, 5).join('.'), mac)) return undefined;
    const seenAt = Number.parseInt(seen, 36) * 1000;
    const startedAt = Number.parseInt(started, 36) * 1000;
    if (!Number.isFinite(seenAt) || now - seenAt > SESSION_IDLE_MS || seenAt - now > REFRESH_AFTER_MS) return undefined;
    if (!Number.isFinite(startedAt) || now - startedAt > this.maxLifetimeMs) return undefined;
    return { id, authenticated: auth === '1', seenAt, startedAt, generation: Number(generation) };
  }

  /** As read(), and a logged-in session must belong to the current generation (logging out ends them all). */
  async readCurrent(req: ConsoleRequest, now = Date.now()): Promise<ConsoleSession | undefined> {
    const session = this.read(req, now);
    if (!session?.authenticated) return session;
    return session.generation === (await this.generations.current()) ? session : undefined;
  }

  /** A new pre-login session (new id: a login never keeps the pre-login id). */
  start(req: ConsoleRequest, res: ConsoleResponse, now = Date.now()): ConsoleSession {
    const session = { id: newId(), authenticated: false, seenAt: now, startedAt: now, generation: 0 };
    this.write(req, res, session);
    return session;
  }

  /** A new logged-in session of the current generation. */
  async logIn(req: ConsoleRequest, res: ConsoleResponse, now = Date.now()): Promise<ConsoleSession> {
    const session = { id: newId(), authenticated: true, seenAt: now, startedAt: now, generation: await this.generations.current() };
    this.write(req, res, session);
    return session;
  }

  /** Moves the idle clock forward (at most once a minute). */
  touch(req: ConsoleRequest, res: ConsoleResponse, session: ConsoleSession, now = Date.now()): void {
    if (now - session.seenAt < REFRESH_AFTER_MS) return;
    this.write(req, res, { ...session, seenAt: now });
  }

  /** Ends every logged-in session, this browser's and any copy of any cookie. */
  async logOut(req: ConsoleRequest, res: ConsoleResponse): Promise<void> {
    await this.generations.advance();
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; ${this.attributes(req)}; Max-Age=0`);
  }

  /** The CSRF token of a session: forms carry it, POST handlers compare it. */
  csrfToken(session: ConsoleSession): string {
    return this.mac(`csrf|${session.id}`);
  }

  csrfMatches(session: ConsoleSession, token: string | undefined): boolean {
    return typeof token === 'string' && this.verify(`csrf|${session.id}`, token);
  }

  private write(req: ConsoleRequest, res: ConsoleResponse, session: ConsoleSession): void {
    const seconds = (time: number) => Math.floor(time / 1000).toString(36);
    const payload = [session.id, session.authenticated ? 1 : 0, seconds(session.seenAt), seconds(session.startedAt), session.generation].join('.');
    const maxAgeMs = Math.min(SESSION_IDLE_MS, session.startedAt + this.maxLifetimeMs - session.seenAt);
    res.setHeader(
      'Set-Cookie',
      `${SESSION_COOKIE}=${payload}.${this.mac(payload)}; ${this.attributes(req)}; Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`,
    );
  }

  private attributes(req: ConsoleRequest): string {
    const secure = this.alwaysSecure || req.secure === true;
    return `Path=${this.routes.base}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  }

  private mac(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('base64url');
  }

  private verify(text: string, mac: string): boolean {
    const expected = Buffer.from(this.mac(text));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

function newId(): string {
  return randomBytes(18).toString('base64url');
}

function readCookie(req: ConsoleRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  const text = Array.isArray(header) ? header.join('; ') : header;
  for (const pair of text?.split(';') ?? []) {
    const index = pair.indexOf('=');
    if (index > 0 && pair.slice(0, index).trim() === name) return pair.slice(index + 1).trim();
  }
  return undefined;
}
