import type { FastifyReply } from 'fastify';

/**
 * Aborts when the client goes away before its response was sent in full, so work done only for it
 * (a read-your-writes wait) stops at once instead of running to its timeout.
 */
export function clientGoneSignal(reply: FastifyReply): AbortSignal {
  const gone = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) gone.abort();
  });
  return gone.signal;
}
