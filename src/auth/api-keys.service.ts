import { Injectable, Logger } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { TokenHealthError } from '../common/token-health.error';
import { hasLoneSurrogate, hasUnsafeCharacter } from '../common/unsafe-text';
import { ApiKey, CreatedApiKey } from './api-key';
import { ApiKeyParts, fingerprint, generateApiKey, hashSecret, secretMatches } from './api-key-secret';
import { ApiKeyRepository } from './api-key.repository';
import { API_SCOPES, ApiScope } from './api-scope';

const MAX_NAME_LENGTH = 100;
const LATEST_EXPIRY = new Date('9999-12-31T23:59:59.999Z');
// Bounds the memo of verified secrets; a key pushed out just pays one scrypt again.
const MAX_REMEMBERED = 1000;

export type ApiKeyVerdict = { outcome: 'ok'; apiKey: ApiKey } | { outcome: 'unknown' | 'expired' | 'wrong-secret' };

export interface NewApiKey {
  name: unknown;
  scopes: unknown;
  expiresAt?: Date | null;
}

/** Creates, lists, revokes and verifies API keys. Verification reads the key's row on every call, so a revoke holds at once everywhere. */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);
  /** Secrets already verified against a stored hash (by fingerprint), so scrypt runs once per key and process. */
  private readonly verified = new Map<string, { hash: Buffer; fingerprint: Buffer }>();

  constructor(private readonly keys: ApiKeyRepository) {}

  async create(input: NewApiKey): Promise<CreatedApiKey> {
    const name = requireName(input.name);
    const scopes = requireScopes(input.scopes);
    const expiresAt = requireFutureDate(input.expiresAt);
    const { id, secret, key } = generateApiKey();
    const apiKey = await this.keys.insert({ id, name, scopes, expiresAt, ...(await hashSecret(secret)) });
    this.logger.log(`API key ${id} created with scopes ${scopes.join(',')}${expiresAt ? `, expiring ${expiresAt.toISOString()}` : ''}`);
    return { key, apiKey };
  }

  list(): Promise<ApiKey[]> {
    return this.keys.list();
  }

  /** False when there is no such key (never created, or revoked already). */
  async revoke(id: unknown): Promise<boolean> {
    if (typeof id !== 'string' || id.length === 0) throw TokenHealthError.invalidInput('id', 'id must be a non-empty string');
    if (!/^[0-9a-f]{10}$/.test(id)) return false;
    const revoked = await this.keys.delete(id);
    this.verified.delete(id);
    if (revoked) this.logger.log(`API key ${id} revoked`);
    return revoked;
  }

  async verify({ id, secret }: ApiKeyParts): Promise<ApiKeyVerdict> {
    const stored = await this.keys.find(id);
    if (!stored) return { outcome: 'unknown' };
    if (!(await this.secretIsRight(id, secret, stored))) return { outcome: 'wrong-secret' };
    if (stored.expired) return { outcome: 'expired' };
    if (stored.useDue && (await this.keys.touch(id))) this.logger.log(`API key ${id} in use`);
    return { outcome: 'ok', apiKey: stored.apiKey };
  }

  private async secretIsRight(id: string, secret: string, stored: { salt: Buffer; hash: Buffer }): Promise<boolean> {
    const presented = fingerprint(secret);
    const known = this.verified.get(id);
    if (known && known.hash.equals(stored.hash)) return timingSafeEqual(presented, known.fingerprint) || (await secretMatches(secret, stored));
    if (!(await secretMatches(secret, stored))) return false;
    this.verified.set(id, { hash: stored.hash, fingerprint: presented });
    if (this.verified.size > MAX_REMEMBERED) this.verified.delete(this.verified.keys().next().value!);
    return true;
  }
}

function requireName(value: unknown): string {
  if (typeof value !== 'string' || value.trim().length === 0) throw TokenHealthError.invalidInput('name', 'name must be a non-empty string');
  const name = value.trim();
  if (name.length > MAX_NAME_LENGTH)
    throw TokenHealthError.invalidInput('name', `name must be at most ${MAX_NAME_LENGTH} characters (got ${name.length})`);
  if (hasUnsafeCharacter(name) || hasLoneSurrogate(name)) {
    throw TokenHealthError.invalidInput('name', 'name must not contain control, invisible or format characters');
  }
  return name;
}

function requireScopes(value: unknown): ApiScope[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw TokenHealthError.invalidInput('scopes', `scopes must name at least one of ${API_SCOPES.join(', ')}`);
  }
  if (value.some((scope) => !(API_SCOPES as readonly unknown[]).includes(scope))) {
    throw TokenHealthError.invalidInput('scopes', `scopes may only be ${API_SCOPES.join(', ')}`);
  }
  // Stored in the vocabulary's order, once each.
  return API_SCOPES.filter((scope) => value.includes(scope));
}

function requireFutureDate(value: Date | null | undefined): Date | null {
  if (value == null) return null;
  const time = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(time) || time > LATEST_EXPIRY.getTime()) throw TokenHealthError.invalidInput('expiresAt', 'expiresAt must be a valid date');
  if (time <= Date.now()) throw TokenHealthError.invalidInput('expiresAt', 'expiresAt must be in the future');
  return value;
}
