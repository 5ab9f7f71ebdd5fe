import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { databaseUnavailability } from '../database/database-unavailability';
import { correlationIdOf } from './correlation-id';
import { PROBLEM_CONTENT_TYPE } from './problem';
import { challengeOf, INTERNAL_PROBLEM, toProblem } from './problem-mapping';

/** What a 503 tells the client to wait when its thrower did not set a Retry-After of its own. */
export const DEFAULT_RETRY_AFTER_SECONDS = 2;

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
  const path = request.url?.split('?')[0];
  // Named as the request's own line names it (req.id): the logger carries no request context of its own.
  const req = { id: correlationIdOf(request.raw) };
  if (!mapped) logger.error({ err: error, path, req }, 'unhandled error');
  else if (databaseUnavailability(error) !== null) logger.warn({ err: error, path, req }, 'database unavailable');
  const body = { ...(mapped ?? INTERNAL_PROBLEM), instance: request.url?.slice(0, 500) };
  if (reply.sent || reply.raw.headersSent) {
    reply.raw.end();
    return;
  }
  const challenge = challengeOf(error);
  if (challenge !== undefined) reply.header('WWW-Authenticate', challenge);
  if (body.status === 503 && !reply.hasHeader('retry-after')) reply.header('Retry-After', String(DEFAULT_RETRY_AFTER_SECONDS));
  reply.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}
