import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { correlationIdOf } from '../http/correlation-id';

const QUIET_PATHS: ReadonlySet<string> = new Set(['/health/live', '/health/ready', '/metrics']);

function isQuiet(url: string): boolean {
  const query = url.indexOf('?');
  return QUIET_PATHS.has(query === -1 ? url : url.slice(0, query));
}

/** The request as a log line's `req`: the fields pino-http's serializer wrote, the correlation id as `id`. */
function requestView(request: FastifyRequest) {
  const { raw } = request;
  return {
    id: correlationIdOf(raw),
    method: raw.method,
    url: raw.url,
    query: request.query,
    headers: raw.headers,
    remoteAddress: raw.socket?.remoteAddress,
    remotePort: raw.socket?.remotePort,
  };
}

function responseView(reply: FastifyReply) {
  return { statusCode: reply.statusCode, headers: reply.raw.getHeaders() };
}

/**
 * One line per request once its response is sent (`request completed`, or `request errored` for a 5xx),
 * or once the client went away before it (`request aborted`), written by fastify's own hooks on the
 * root logger: no middleware layer, no child logger per request, no async context to carry. Probes
 * and metrics scrapes are not logged; below `info` nothing of the line is even built.
 */
export function logRequests(instance: FastifyInstance, logger: Logger): void {
  instance.addHook('onResponse', (request, reply, done) => {
    if (logger.isLevelEnabled('info') && !isQuiet(request.raw.url ?? '')) {
      const line = { req: requestView(request), res: responseView(reply), responseTime: Math.round(reply.elapsedTime) };
      logger.info(line, reply.statusCode >= 500 ? 'request errored' : 'request completed');
    }
    done();
  });
  instance.addHook('onRequestAbort', (request, done) => {
    if (logger.isLevelEnabled('info') && !isQuiet(request.raw.url ?? '')) logger.info({ req: requestView(request) }, 'request aborted');
    done();
  });
}
