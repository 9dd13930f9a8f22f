import { TokenHealthError } from '../../common/token-health.error';

export const MAX_ID_LENGTH = 255;
/** Real refresh/access tokens are a few hundred bytes; anything far larger is not a token. */
export const MAX_TOKEN_LENGTH = 4096;

export function requireId(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw TokenHealthError.invalidInput(field, `${field} must be a non-empty string`);
  }
  if (value.length > MAX_ID_LENGTH) {
    throw TokenHealthError.invalidInput(field, `${field} must be at most ${MAX_ID_LENGTH} characters (got ${value.length})`);
  }
  return value;
}

export function requireToken(field: string, value: unknown, optional = false): string | undefined {
  if (value == null && optional) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw TokenHealthError.invalidInput(field, `${field} must be a non-empty string`);
  }
  if (value.length > MAX_TOKEN_LENGTH) {
    throw TokenHealthError.invalidInput(field, `${field} is too long to be a token (${value.length} characters, at most ${MAX_TOKEN_LENGTH})`);
  }
  return value;
}
