import { ArgumentsHost, BadRequestException, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { TokenHealthError, TokenHealthErrorCode } from '../common/token-health.error';
import { ProblemDetailsFilter } from './problem-details.filter';

interface Sent {
  status?: number;
  headers: Record<string, string>;
  body?: Record<string, unknown>;
}

function answer(exception: unknown): Sent {
  const sent: Sent = { headers: {} };
  const response = {
    status(code: number) {
      sent.status = code;
      return response;
    },
    setHeader(name: string, value: string) {
      sent.headers[name] = value;
    },
    end(body: string) {
      sent.body = JSON.parse(body) as Record<string, unknown>;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new ProblemDetailsFilter().catch(exception, host);
  return sent;
}

describe(ProblemDetailsFilter.name, () => {
  it.each([
    [TokenHealthError.invalidInput('limit', 'limit must be between 1 and 100'), 400, 'BAD_USER_INPUT'],
    [new TokenHealthError(TokenHealthErrorCode.NotFound, 'No such connection'), 404, 'NOT_FOUND'],
    [new TokenHealthError(TokenHealthErrorCode.Unauthenticated, 'A valid admin bearer token is required'), 401, 'UNAUTHENTICATED'],
    [new TokenHealthError(TokenHealthErrorCode.Forbidden, 'This API key lacks the scope "check"'), 403, 'FORBIDDEN'],
    [TokenHealthError.tooManyAttempts(600), 429, 'TOO_MANY_REQUESTS'],
    [new UnauthorizedException(), 401, 'UNAUTHENTICATED'],
    [new ForbiddenException(), 403, 'FORBIDDEN'],
    [new BadRequestException('nope'), 400, 'BAD_REQUEST'],
  ])('answers %s as problem+json with status %d and the GraphQL code %s', (exception, status, code) => {
    const sent = answer(exception);

    expect(sent.status).toBe(status);
    expect(sent.headers['Content-Type']).toBe('application/problem+json; charset=utf-8');
    expect(sent.body).toMatchObject({ type: 'about:blank', status, code });
  });

  it('names the field of invalid input', () => {
    expect(answer(TokenHealthError.invalidInput('cursor', 'cursor is not a cursor returned by this API')).body).toMatchObject({ field: 'cursor' });
  });

  it('says when to try again after too many attempts, and asks for a bearer after a missing one', () => {
    expect(answer(TokenHealthError.tooManyAttempts(600)).headers['Retry-After']).toBe('600');
    expect(answer(new UnauthorizedException()).headers['WWW-Authenticate']).toBe('Bearer');
  });

  it('answers an unexpected error as a bare 500, without its message or stack', () => {
    const sent = answer(new Error('connection to 10.0.0.7:5432 refused; password=hunter2'));

    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Internal server error',
      code: 'INTERNAL_SERVER_ERROR',
    });
  });
});
