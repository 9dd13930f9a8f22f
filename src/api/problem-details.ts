import { ForbiddenException, HttpException, UnauthorizedException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { assertNever } from '../common/assert-never';
import { TokenHealthError, TokenHealthErrorCode } from '../common/token-health.error';

export interface Problem {
  status: number;
  body: { type: string; title: string; status: number; detail: string; code: string; field?: string };
  headers: Record<string, string>;
}

/** An error as an RFC 9457 problem, or undefined for an unexpected one (whose text is never shown). */
export function problemOf(exception: unknown): Problem | undefined {
  if (exception instanceof TokenHealthError) return fromTokenHealthError(exception);
  // A host app's guard speaks Nest's HTTP exceptions.
  if (exception instanceof UnauthorizedException) return unauthenticated('Authentication required');
  if (exception instanceof ForbiddenException) return problem(403, 'FORBIDDEN', 'The credential may not use this route');
  if (exception instanceof HttpException && exception.getStatus() < 500) return problem(exception.getStatus(), 'BAD_REQUEST', exception.message);
  return undefined;
}

export function internalProblem(): Problem {
  return problem(500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
}

function fromTokenHealthError(error: TokenHealthError): Problem {
  switch (error.code) {
    case TokenHealthErrorCode.InvalidInput:
      return problem(400, 'BAD_USER_INPUT', error.message, error.field);
    case TokenHealthErrorCode.NotFound:
      return problem(404, 'NOT_FOUND', error.message);
    case TokenHealthErrorCode.Unauthenticated:
      return unauthenticated(error.message);
    case TokenHealthErrorCode.Forbidden:
      return problem(403, 'FORBIDDEN', error.message);
    case TokenHealthErrorCode.TooManyAttempts:
      return { ...problem(429, 'TOO_MANY_REQUESTS', error.message), headers: { 'Retry-After': String(error.retryAfterSeconds ?? 60) } };
    default:
      return assertNever(error.code);
  }
}

function unauthenticated(detail: string): Problem {
  return { ...problem(401, 'UNAUTHENTICATED', detail), headers: { 'WWW-Authenticate': 'Bearer' } };
}

function problem(status: number, code: string, detail: string, field?: string): Problem {
  const body: Problem['body'] = { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, code };
  if (field) body.field = field;
  return { status, body, headers: {} };
}
