import { TokenHealthError } from '../../common/token-health.error';
import { hasLoneSurrogate, hasUnsafeCharacter } from '../../common/unsafe-text';

const MAX_ID_LENGTH = 255;
/** Real refresh/access tokens are a few hundred bytes; anything far larger is not a token. */
const MAX_TOKEN_LENGTH = 4096;
/** Dates outside this range are typing mistakes, and some of them are beyond what PostgreSQL stores. */
const EARLIEST_DATE = new Date('1970-01-01T00:00:00Z');
const LATEST_DATE = new Date('9999-12-31T23:59:59.999Z');

/**
 * An identifier (clientId, provider) is stored and compared verbatim, so
 * anything that would look the same to a person but differ in bytes — padding,
 * control, zero-width, bidi or line-separator characters, half a surrogate pair
 * that PostgreSQL cannot store — is refused instead of becoming a second tenant or a 500.
 */
export function requireId(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw TokenHealthError.invalidInput(field, `${field} must be a non-empty string`);
  }
  if (value.length > MAX_ID_LENGTH) {
    throw TokenHealthError.invalidInput(field, `${field} must be at most ${MAX_ID_LENGTH} characters (got ${value.length})`);
  }
  if (value !== value.trim()) {
    throw TokenHealthError.invalidInput(field, `${field} must not start or end with whitespace`);
  }
  if (hasUnsafeCharacter(value)) {
    throw TokenHealthError.invalidInput(field, `${field} must not contain control, invisible or format characters (such as U+200B or U+202E)`);
  }
  if (hasLoneSurrogate(value)) {
    throw TokenHealthError.invalidInput(field, `${field} must be valid Unicode (it contains a lone surrogate)`);
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

/** The DateTime scalar turns an unparseable or out-of-range year into an invalid Date rather than an error. */
export function optionalDate(field: string, value: Date | null | undefined): Date | null {
  if (value == null) return null;
  const time = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(time) || time < EARLIEST_DATE.getTime() || time > LATEST_DATE.getTime()) {
    throw TokenHealthError.invalidInput(field, `${field} must be a date between ${EARLIEST_DATE.toISOString()} and ${LATEST_DATE.toISOString()}`);
  }
  return value;
}
