import { Injectable } from '@nestjs/common';
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { ConsoleRoutes } from './console-routes';
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
}

/**
 * Stateless console sessions: a random id, a logged-in flag and a last-seen
 * time in a cookie signed with HMAC-SHA256. The key is derived (HKDF) from the
 * encryption key and the admin token, so changing either ends every session.
 */
@Injectable()
export class ConsoleSessionService {
  private readonly key: Buffer;
  private readonly alwaysSecure: boolean;

  constructor(
    config: AppConfig,
    private readonly routes: ConsoleRoutes,
  ) {
    const adminTokenDigest = createHash('sha256')
      .update(config.adminApiToken ?? '')
      .digest('hex');
    this.key = Buffer.from(hkdfSync('sha256', config.tokenEncryptionKey!, 'token-health admin console', `session|${adminTokenDigest}`, 32));
    this.alwaysSecure = config.publicBaseUrl.startsWith('https:');
  }

  /** The request's valid, unexpired session, if any. */
  read(req: ConsoleRequest, now = Date.now()): ConsoleSession | undefined {
    const cookie = readCookie(req, SESSION_COOKIE);
    const parts = cookie?.split('.');
    if (!parts || parts.length !== 4) return undefined;
    const [id, auth, seen, mac] = parts;
    if (!this.verify(`${id}.${auth}.${seen}`, mac)) return undefined;
    const seenAt = Number.parseInt(seen, 36) * 1000;
    if (!Number.isFinite(seenAt) || now - seenAt > SESSION_IDLE_MS || seenAt - now > REFRESH_AFTER_MS) return undefined;
    return { id, authenticated: auth === '1', seenAt };
  }

  /** A new session (new id: a login never keeps the pre-login id). */
  start(req: ConsoleRequest, res: ConsoleResponse, authenticated: boolean, now = Date.now()): ConsoleSession {
    const session = { id: randomBytes(18).toString('base64url'), authenticated, seenAt: now };
    this.write(req, res, session);
    return session;
  }

  /** Moves the idle clock forward (at most once a minute). */
  touch(req: ConsoleRequest, res: ConsoleResponse, session: ConsoleSession, now = Date.now()): void {
    if (now - session.seenAt < REFRESH_AFTER_MS) return;
    this.write(req, res, { ...session, seenAt: now });
  }

  end(req: ConsoleRequest, res: ConsoleResponse): void {
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
    const payload = `${session.id}.${session.authenticated ? 1 : 0}.${Math.floor(session.seenAt / 1000).toString(36)}`;
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${payload}.${this.mac(payload)}; ${this.attributes(req)}; Max-Age=${SESSION_IDLE_MS / 1000}`);
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

function readCookie(req: ConsoleRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  const text = Array.isArray(header) ? header.join('; ') : header;
  for (const pair of text?.split(';') ?? []) {
    const index = pair.indexOf('=');
    if (index > 0 && pair.slice(0, index).trim() === name) return pair.slice(index + 1).trim();
  }
  return undefined;
}
