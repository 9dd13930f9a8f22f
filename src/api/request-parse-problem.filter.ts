import { ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';

interface ParsedRequest {
  originalUrl?: string;
}
interface ProblemResponse {
  status(code: number): ProblemResponse;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

/**
 * A body the parser rejects (bad JSON, too large) fails before any controller, so the REST API's
 * own filter never sees it. The standalone server installs this app-wide: under `/api/` such a
 * failure becomes problem+json too; anywhere else (and every error a route's own filter handles)
 * Nest answers as it always does.
 */
@Catch(HttpException)
export class RequestParseProblemFilter extends BaseExceptionFilter {
  override catch(exception: HttpException, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<ParsedRequest | undefined>();
    if (host.getType() !== 'http' || !request?.originalUrl?.startsWith('/api/')) return super.catch(exception, host);
    const status = exception.getStatus();
    const response = host.switchToHttp().getResponse<ProblemResponse>();
    response.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
    const title = STATUS_CODES[status] ?? 'Error';
    // The parser's own message quotes the body around the fault, which may be part of a token.
    const detail = status === 400 ? 'The body is not valid JSON' : `The request could not be read (${title})`;
    response.status(status).end(JSON.stringify({ type: 'about:blank', title, status, detail, code: 'BAD_REQUEST' }));
  }
}
