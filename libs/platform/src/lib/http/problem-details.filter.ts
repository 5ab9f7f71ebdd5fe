import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE } from './problem';
import { INTERNAL_PROBLEM, toProblem } from './problem-mapping';

/** The one place where errors become HTTP responses: every error leaves as application/problem+json. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    writeProblem(error, request, response, this.logger);
  }
}

export function writeProblem(error: unknown, request: Request, response: Response, logger: Logger): void {
  const mapped = toProblem(error);
  if (!mapped) logger.error({ err: error, path: request.path }, 'unhandled error');
  const body = { ...(mapped ?? INTERNAL_PROBLEM), instance: request.originalUrl?.slice(0, 500) };
  if (response.headersSent) {
    response.end();
    return;
  }
  response.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}
