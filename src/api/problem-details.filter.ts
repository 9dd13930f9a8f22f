import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { internalProblem, problemOf } from './problem-details';

interface ProblemResponse {
  status(code: number): ProblemResponse;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

/** The REST API's one error exit: every failure leaves as `application/problem+json`, an unexpected one without its text. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    let problem = problemOf(exception);
    if (!problem) {
      this.logger.error(`Unexpected REST API error: ${exception instanceof Error ? exception.message : String(exception)}`);
      problem = internalProblem();
    }
    const res = host.switchToHttp().getResponse<ProblemResponse>();
    for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
    res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
    res.status(problem.status).end(JSON.stringify(problem.body));
  }
}
