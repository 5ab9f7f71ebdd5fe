import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const CORRELATION_HEADER = 'x-correlation-id';
const SAFE_ID = /^[\w.:-]{1,200}$/;

/**
 * The request's correlation id: the caller's `X-Correlation-Id` when it is a sane token, else a new
 * uuid (a hostile header must not reach logs or event metadata verbatim). Also set on the response.
 */
export function correlationIdOf(request: IncomingMessage, response?: ServerResponse): string {
  const cached = (request as IncomingMessage & { correlationId?: string }).correlationId;
  if (cached) return cached;
  const header = request.headers[CORRELATION_HEADER];
  const candidate = Array.isArray(header) ? header[0] : header;
  const id = candidate && SAFE_ID.test(candidate) ? candidate : randomUUID();
  (request as IncomingMessage & { correlationId?: string }).correlationId = id;
  if (response && !response.headersSent) response.setHeader('X-Correlation-Id', id);
  return id;
}
