import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problem';
import { INTERNAL_PROBLEM, toProblem } from './problem-mapping';

/** The one place where errors become HTTP responses: every error leaves as application/problem+json. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    writeProblem(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.logger);
  }
}

export function writeProblem(error: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const mapped = toProblem(error);
  if (!mapped) logger.error({ err: error, path: request.url?.split('?')[0] }, 'unhandled error');
  const body = { ...(mapped ?? INTERNAL_PROBLEM), instance: request.url?.slice(0, 500) };
  if (reply.sent || reply.raw.headersSent) {
    reply.raw.end();
    return;
  }
  reply.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}
