import { ArgumentsHost, Catch, ForbiddenException, HttpException, Logger, UnauthorizedException } from '@nestjs/common';
import { GqlExceptionFilter } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { TokenHealthError, TokenHealthErrorCode } from './token-health.error';
import { assertNever } from './assert-never';

/** The one place API errors become GraphQL errors; unknown errors never leak their text or stack. */
@Catch()
export class GraphqlErrorFilter implements GqlExceptionFilter {
  private readonly logger = new Logger(GraphqlErrorFilter.name);

  catch(exception: unknown, _host: ArgumentsHost): GraphQLError {
    if (exception instanceof GraphQLError) return exception;
    if (exception instanceof TokenHealthError) return toGraphqlError(exception);
    // A host app's guard (TokenHealthModule.forRoot({ guard })) speaks Nest's HTTP exceptions.
    if (exception instanceof UnauthorizedException) return unauthenticated(exception.message);
    if (exception instanceof ForbiddenException) {
      return new GraphQLError(exception.message, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      return new GraphQLError(exception.message, { extensions: { code: 'BAD_REQUEST' } });
    }
    this.logger.error(`Unexpected API error: ${exception instanceof Error ? exception.message : String(exception)}`);
    return new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  }
}

function toGraphqlError(error: TokenHealthError): GraphQLError {
  switch (error.code) {
    case TokenHealthErrorCode.InvalidInput:
      return new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', field: error.field } });
    case TokenHealthErrorCode.NotFound:
      return new GraphQLError(error.message, { extensions: { code: 'NOT_FOUND' } });
    case TokenHealthErrorCode.Unauthenticated:
      return unauthenticated(error.message);
    case TokenHealthErrorCode.Forbidden:
      // No HTTP status: in an operation of several fields the others still answer.
      return new GraphQLError(error.message, { extensions: { code: 'FORBIDDEN' } });
    case TokenHealthErrorCode.TooManyAttempts:
      return new GraphQLError(error.message, { extensions: { code: 'TOO_MANY_REQUESTS', http: { status: 429 } } });
    default:
      return assertNever(error.code);
  }
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}
