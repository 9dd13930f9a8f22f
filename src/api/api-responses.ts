import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto } from './dto/problem.dto';

const WHY: Record<number, string> = {
  400: 'A parameter or body field is unknown or not valid (`field` names it)',
  401: 'No valid credential',
  403: 'The credential lacks the scope of this route',
  404: 'No such connection',
  429: 'Too many failed authentications from this address (see Retry-After)',
};

/** The problem+json answers a route can give, and the bearer credential every route takes. */
export function ProblemResponses(...statuses: (keyof typeof WHY)[]): MethodDecorator {
  return applyDecorators(
    ApiBearerAuth(),
    ApiExtraModels(ProblemDto),
    ...[...new Set([...statuses, 401, 403, 429])].map((status) =>
      ApiResponse({ status, description: WHY[status], content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } } }),
    ),
  );
}
