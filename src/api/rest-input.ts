import { TokenHealthError } from '../common/token-health.error';
import { TokenStatus } from '../oauth/token-status';

type Fields = Record<string, unknown>;

/** A route that takes no documented body still refuses one with fields. */
export interface BodyRequest {
  body?: unknown;
}

/** The parameters or body fields of a request, refusing any the route does not know (naming the first). */
export function knownFields(source: unknown, allowed: readonly string[], where: 'query parameter' | 'body field'): Fields {
  if (source === undefined || source === null) return {};
  if (typeof source !== 'object' || Array.isArray(source)) throw TokenHealthError.invalidInput('body', 'The body must be a JSON object');
  const unknown = Object.keys(source).find((name) => !allowed.includes(name));
  if (unknown !== undefined) throw TokenHealthError.invalidInput(unknown, `${unknown} is not a known ${where}`);
  return source as Fields;
}

/** A query parameter given at most once. */
export function singleParam(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw TokenHealthError.invalidInput(name, `${name} must be given once`);
  return value;
}

export function integerParam(fields: Fields, name: string): number | undefined {
  const value = singleParam(fields, name);
  if (value === undefined) return undefined;
  if (!/^-?\d{1,9}$/.test(value)) throw TokenHealthError.invalidInput(name, `${name} must be an integer`);
  return Number(value);
}

/** `status=invalid&status=expiring` or `status=invalid,expiring`, in the stored (lower-case) spelling. */
export function statusesParam(fields: Fields, name: string): TokenStatus[] | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  const values: unknown[] = Array.isArray(value) ? value : [value];
  const given = values.flatMap((item): unknown[] => (typeof item === 'string' ? item.split(',') : [item]));
  const known: readonly unknown[] = Object.values(TokenStatus);
  const wrong = given.find((status) => !known.includes(status));
  if (wrong !== undefined) throw TokenHealthError.invalidInput(name, `${name} must be one of ${known.join(', ')}`);
  return given as TokenStatus[];
}

/** A body field that must be a string or null when present. */
export function optionalString(fields: Fields, name: string): string | null | undefined {
  const value = fields[name];
  if (value === undefined || value === null || typeof value === 'string') return value;
  throw TokenHealthError.invalidInput(name, `${name} must be a string or null`);
}

/** An RFC 3339 date-time body field, as a Date (its range is the registration's rule). */
export function optionalDateTime(fields: Fields, name: string): Date | null {
  const value = optionalString(fields, name);
  if (value == null) return null;
  const date = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime()))
    throw TokenHealthError.invalidInput(name, `${name} must be an RFC 3339 date-time, e.g. 2030-01-01T00:00:00Z`);
  return date;
}

/** The service names a few inputs as GraphQL does (first, after); the REST route calls them otherwise. */
export async function withRestNames<T>(names: Record<string, string>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof TokenHealthError) || !error.field || !names[error.field]) throw error;
    const rest = names[error.field];
    throw TokenHealthError.invalidInput(rest, error.message.replace(new RegExp(`^${error.field}\\b`), rest));
  }
}
